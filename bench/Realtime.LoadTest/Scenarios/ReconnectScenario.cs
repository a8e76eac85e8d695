using System.Globalization;
using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Systems;
using Realtime.Testing.Metrics;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Scenarios;

/// <summary>
/// Recovery after a brief disconnect under load: N connections on /realtime in the broadcast
/// scenario's workspace(s), the broadcast load at R/s for S s, and D of them (users N-D..N-1)
/// dropping at once in the middle of it (their sockets aborted from the client's side), away A
/// seconds, back on the next edge with <c>recover=</c> their last position. First a baseline run
/// without drops (same N, R, S), so the broadcast latency of the N-D others sits beside it. One
/// client per workspace before the dropped ones (users N-D-W..N-D-1) keeps its ticks in arrival
/// order: the order the dropped clients must have them in (publishes overlap, so the workspace may
/// order them otherwise than they were numbered); the others' latencies are the N-D-W remaining.
/// </summary>
public static class ReconnectScenario
{
    /// <summary>What the silo keeps by default (Recovery:WorkspaceEvents); a run needing more history gets more.</summary>
    private const int DefaultWorkspaceEvents = 256;

    /// <summary>Presence and join entries the feed keeps beside the broadcasts (coalesced every 500 ms in a large workspace), generously.</summary>
    private const int FeedEntriesPerSecondBesideBroadcasts = 8;

    /// <summary>Kept bytes per entry asked for when the events are raised: a tick with its position is ~250 bytes with the feed's overhead.</summary>
    private const int BytesPerKeptEvent = 1024;

    /// <summary>
    /// The silo settings the run needs: the history a dropped client's position must still reach
    /// when it reconnects (its time away plus the reconnects' own time) at the broadcast rate, with
    /// presence beside it; empty when the defaults (256 events, 1 MiB) hold it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SiloSettings(LoadOptions options)
    {
        var (events, bytes) = History(options);
        return events is null ? new Dictionary<string, string>() : new Dictionary<string, string>
        {
            ["Recovery__WorkspaceEvents"] = events.Value.ToString(CultureInfo.InvariantCulture),
            ["Recovery__WorkspaceBytes"] = bytes!.Value.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Bounds the whole invocation: every wait of both runs, the load and the time away, twice over.</summary>
    public static TimeSpan GlobalTimeout(LoadOptions options) =>
        2 * ((options.Timeout * 8) + TimeSpan.FromSeconds(options.Seconds + options.WarmupSeconds + options.AwaySeconds));

    /// <summary>The baseline (no drops), then the run with D drops.</summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(LoadOptions options, OrleansSystem system)
    {
        var baseline = await RunOnceAsync(options, system, drop: 0);
        var dropped = await RunOnceAsync(options, system, options.Drop);
        return [baseline, dropped];
    }

    private static (int? Events, int? Bytes) History(LoadOptions options)
    {
        // The reconnects and their Recover calls come within the first timeout after the time away.
        var seconds = options.AwaySeconds + 10;
        var events = (int)Math.Ceiling(options.Rate * seconds) + (int)Math.Ceiling(FeedEntriesPerSecondBesideBroadcasts * seconds) + 64;
        if (events <= DefaultWorkspaceEvents)
        {
            return (null, null);
        }

        events = Math.Min(events, 100_000);
        return (events, Math.Max(1024 * 1024, events * BytesPerKeptEvent));
    }

    private static async Task<ScenarioResult> RunOnceAsync(LoadOptions options, OrleansSystem system, int drop)
    {
        var workspace = RunContext.NewWorkspace();
        var all = RunContext.OrleansClients(options, system, "/realtime", workspace) with
        {
            MaxLifetime = GlobalTimeout(options),
        };
        var witnesses = options.Workspaces;
        var steady = all with { Count = options.Clients - drop - witnesses };
        var workspaces = Enumerable.Range(0, options.Workspaces).Select(all.WorkspaceOf).ToList();
        await using var fleet = ClientFleet.Create(steady, options.EffectiveClientProcesses);
        await using var dropping = new RecoveringClientGroup(all with { FirstUser = steady.Count, Count = witnesses + drop }, witnesses);
        var connect = await fleet.ConnectAsync(options.Timeout);
        var droppingConnect = await dropping.ConnectAsync(options.Timeout);
        if (connect.Ready + droppingConnect.Ready < options.Clients)
        {
            throw new InvalidOperationException($"{connect.Ready + droppingConnect.Ready} of {options.Clients} clients ready; first error: {connect.FirstError ?? droppingConnect.FirstError}");
        }

        foreach (var (name, index) in workspaces.Select((name, index) => (name, index)))
        {
            var members = (options.Clients / options.Workspaces) + (index < options.Clients % options.Workspaces ? 1 : 0);
            await RunContext.WaitForWorkspaceConnectionsAsync(system, name, members, options.Timeout);
        }

        await BroadcastScenario.WaitForPresenceQuietAsync(fleet, options.Timeout);

        using var broadcaster = new WorkspaceBroadcaster(system, options.Publisher, options.Publishers);
        Task Publish(string to, string eventName, long seq) => broadcaster.PublishAsync(to, eventName, seq);
        await BroadcastScenario.WarmUpAsync(options, fleet, (eventName, seq) => Task.WhenAll(workspaces.Select(to => Publish(to, eventName, seq))),
            seq => Publish(workspaces[(int)(seq % workspaces.Count)], HubTargets.WarmupLoadEvent, seq));
        if (!await dropping.WaitAsync(c => c.Warmups >= options.Warmup, options.Timeout))
        {
            throw new TimeoutException($"Not every client to drop received the {options.Warmup} warm-up broadcasts in {options.Timeout.TotalSeconds} s.");
        }

        var publishes = BroadcastScenario.Publishes(options);
        var accepted = new AcceptedBroadcasts(publishes);

        // The drop goes with the publish due in the middle of what is left of the load once the
        // time away is taken out, so that broadcasts are missed while away and go on after the return.
        var dropAt = Math.Clamp((long)Math.Round(Math.Max(0, options.Seconds - options.AwaySeconds) / 2 * options.Rate), 1, Math.Max(1, publishes - 1));
        Task<(int Failed, string? FirstError)> dropAndReconnect = Task.FromResult((0, (string?)null));
        async Task PublishTick(long seq)
        {
            if (seq == dropAt && drop > 0)
            {
                dropAndReconnect = DropAndReconnectAsync(dropping, options, accepted);
            }

            await Publish(workspaces[(int)(seq % workspaces.Count)], HubTargets.TickEvent, seq);
            accepted.Accept(seq);
        }

        var result = await DeliveryRun.MeasureAsync("reconnect", system.Target, options, fleet, connect, publishes, PublishTick,
            group => BroadcastScenario.ExpectedDeliveries(group, publishes), options.Publisher);
        var (reconnectFailed, reconnectError) = await dropAndReconnect.WaitAsync(options.Timeout * 2 + TimeSpan.FromSeconds(options.AwaySeconds));

        long Owed(RecoveringClient client) => BroadcastScenario.ExpectedDeliveries(all with { FirstUser = client.User, Count = 1 }, publishes);
        if (!await dropping.WaitAsync(c => c.Received >= Owed(c) || c.Error is not null, options.Timeout))
        {
            Console.Error.WriteLine($"reconnect {system.Target}: not every dropped client had every tick within {options.Timeout.TotalSeconds} s.");
        }

        var clients = dropping.Dropping;
        var orders = dropping.Witnesses.ToDictionary(w => w.User % options.Workspaces, w => new WorkspaceOrder(w.Arrivals));
        var outOfOrder = clients.ToDictionary(c => c, c => orders[c.User % options.Workspaces].OutOfOrder(c.Arrivals));
        var recovery = new LatencyHistogram();
        foreach (var time in clients.Select(c => c.RecoveryTime).OfType<TimeSpan>())
        {
            recovery.Record((long)time.TotalMicroseconds);
        }

        var (events, bytes) = History(options);
        return result with
        {
            Connected = connect.Connected + droppingConnect.Connected,
            Ready = connect.Ready + droppingConnect.Ready,
            Dropped = drop,
            AwaySeconds = drop > 0 ? options.AwaySeconds : null,
            RecoveredClients = drop > 0 ? clients.Count(c => c.Recovered) : null,
            RecoveryTime = drop > 0 ? recovery.Summarize() : null,
            ReplayedMean = drop > 0 ? clients.Average(c => c.Replayed) : null,
            ReplayedMax = drop > 0 ? clients.Max(c => c.Replayed) : null,
            DroppedExpected = drop > 0 ? clients.Sum(Owed) : null,
            DroppedReceived = drop > 0 ? clients.Sum(c => c.Received) : null,
            DroppedDuplicates = drop > 0 ? clients.Sum(c => c.Duplicates) : null,
            DroppedOutOfOrder = drop > 0 ? outOfOrder.Values.Sum() : null,
            WorkspaceOrderDiffers = orders.Values.Sum(o => o.Renumbered),
            RecoveryWorkspaceEvents = events,
            RecoveryWorkspaceBytes = bytes,
            Expected = result.Expected + dropping.Witnesses.Sum(Owed),
            Received = result.Received + dropping.Witnesses.Sum(w => w.Received),
            Duplicates = result.Duplicates + dropping.Witnesses.Sum(w => w.Duplicates),
            ClientErrors = result.ClientErrors + droppingConnect.Failed + reconnectFailed + dropping.Witnesses.Concat(clients).Count(c => c.Error is not null),
            FirstError = result.FirstError ?? droppingConnect.FirstError ?? reconnectError ?? dropping.FirstError,
            FirstDisorder = clients.Where(c => c.Duplicates + outOfOrder[c] > 0).Select(c => Disorder(c, outOfOrder[c], orders[c.User % options.Workspaces])).FirstOrDefault(),
        };
    }

    private static async Task<(int Failed, string? FirstError)> DropAndReconnectAsync(RecoveringClientGroup group, LoadOptions options, AcceptedBroadcasts accepted)
    {
        await group.DropAllAsync();
        await Task.Delay(TimeSpan.FromSeconds(options.AwaySeconds));
        return await group.ReconnectAllAsync(user =>
        {
            var index = user % options.Workspaces;
            var to = accepted.LastFor(index, options.Workspaces);
            return (to, to < index ? 0 : ((to - index) / options.Workspaces) + 1);
        });
    }

    /// <summary>What a dropped client got twice or out of order, beside its workspace's order.</summary>
    private static string Disorder(RecoveringClient client, long outOfOrder, WorkspaceOrder order) => string.Create(
        CultureInfo.InvariantCulture,
        $"u{client.User}: {client.Duplicates} duplicates, {outOfOrder} out of order, recovered {client.Recovered}, to catch up to tick {client.CatchUpTo}; before the drop it had {string.Join(' ', client.Arrivals.Take(client.ArrivalsBeforeReconnect))}; after the reconnect {string.Join(' ', client.Arrivals.Skip(client.ArrivalsBeforeReconnect))}; its workspace sent {order}");

    /// <summary>The order in which a workspace's client that never dropped got the ticks.</summary>
    private sealed class WorkspaceOrder(IReadOnlyList<long> arrivals)
    {
        private readonly Dictionary<long, int> _rank = arrivals.Select((seq, rank) => (seq, rank)).ToDictionary(p => p.seq, p => p.rank);

        /// <summary>Ticks of <paramref name="received"/> that came after one the workspace sent later (ticks the witness lacks are not judged).</summary>
        public long OutOfOrder(IReadOnlyList<long> received)
        {
            long count = 0;
            var latest = -1;
            foreach (var seq in received)
            {
                if (!_rank.TryGetValue(seq, out var rank))
                {
                    continue;
                }

                if (rank < latest)
                {
                    count++;
                }

                latest = Math.Max(latest, rank);
            }

            return count;
        }

        /// <summary>Ticks the workspace sent after a higher-numbered one: publishes that overlapped and reached it the other way round.</summary>
        public long Renumbered
        {
            get
            {
                long count = 0;
                var highest = -1L;
                foreach (var seq in arrivals)
                {
                    count += seq < highest ? 1 : 0;
                    highest = Math.Max(highest, seq);
                }

                return count;
            }
        }

        public override string ToString() => string.Join(' ', arrivals);
    }

    /// <summary>
    /// Which ticks have been accepted (their publish call returned): the longest run 0..k all
    /// accepted. A reconnect that starts after tick s was accepted must bring the client up to s.
    /// </summary>
    private sealed class AcceptedBroadcasts(int publishes)
    {
        private readonly bool[] _accepted = new bool[publishes];
        private long _prefix = -1;

        public void Accept(long seq)
        {
            lock (_accepted)
            {
                _accepted[seq] = true;
                while (_prefix + 1 < _accepted.Length && _accepted[_prefix + 1])
                {
                    _prefix++;
                }
            }
        }

        /// <summary>The last accepted tick of workspace <paramref name="index"/> of <paramref name="workspaces"/> (tick s goes to workspace s mod W); -1 if none.</summary>
        public long LastFor(int index, int workspaces)
        {
            long prefix;
            lock (_accepted)
            {
                prefix = _prefix;
            }

            return prefix < index ? -1 : prefix - ((prefix - index) % workspaces);
        }
    }
}
