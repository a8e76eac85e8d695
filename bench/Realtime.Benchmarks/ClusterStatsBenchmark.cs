using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Edges;
using Realtime.Grains.Presence;
using Realtime.Testing;

namespace Realtime.Benchmarks;

/// <summary>
/// How many calls the one cluster stats grain takes as edges are added. Simulated edges drive
/// the real grains of a 2-silo cluster (Redis membership, in-memory storage) the way edges and
/// backends do: each edge renews its lease every <see cref="Load.LeaseRenewInterval"/> with its
/// connection count, opens and closes connections of users in the cluster's workspaces (so
/// workspace grains report their counts as they do in production, at most once per
/// Presence:WorkspacePersistInterval), and a backend broadcasts to those workspaces. Load per edge
/// is fixed, so 50 edges carry 10 times the workspaces and traffic of 5. An incoming call filter
/// on both silos counts what the cluster stats grain takes; afterwards `GET /realtime/stats`'s
/// numbers are checked against what the edges hold.
/// </summary>
public static class ClusterStatsBenchmark
{
    /// <summary>Per-edge load; production settings for the lease.</summary>
    public sealed record Load(
        TimeSpan Warmup,
        TimeSpan Measure,
        int ConnectionsPerEdge = 20,
        int WorkspacesPerEdge = 10,
        double ConnectionChangesPerEdgePerSecond = 5,
        double BroadcastsPerEdgePerSecond = 1)
    {
        public static readonly TimeSpan LeaseRenewInterval = TimeSpan.FromSeconds(10);
        public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);
    }

    public sealed record Result(
        string Mode,
        int Edges,
        int Workspaces,
        int Connections,
        TimeSpan Measured,
        IReadOnlyDictionary<string, long> StatsGrainCalls,
        long Renewals,
        long ConnectionChanges,
        long Broadcasts,
        TimeSpan StatsSettledAfter)
    {
        public double StatsGrainCallsPerSecond => StatsGrainCalls.Values.Sum() / Measured.TotalSeconds;

        public string Breakdown => string.Join(", ", StatsGrainCalls.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value / Measured.TotalSeconds:F1}")));
    }

    public static async Task<Result> RunAsync(string mode, int edgeCount, Load load, IReadOnlyDictionary<string, string?> siloSettings)
    {
        var counter = new GrainCallCounter(typeof(IClusterStatsGrain));
        var settings = new Dictionary<string, string?>(siloSettings)
        {
            // Only membership in Redis: the grains' load is the subject, not Redis writes.
            ["Silo:Persistence"] = "Memory",
            ["Silo:Reminders"] = "Memory",

            // Pulling agents cancelled at shutdown log errors that say nothing about the grains.
            ["Logging:LogLevel:Orleans.Streams"] = "Critical",
            ["Logging:LogLevel:Orleans.Providers"] = "Critical",
            ["Logging:LogLevel:Orleans.Runtime.Silo"] = "Error",
        };
        await using var system = await RealtimeSystem.StartOnRedisAsync(
            siloCount: 2,
            edgeCount: 0,
            settings,
            configureSilo: silo => silo.Services.AddSingleton<IIncomingGrainCallFilter>(counter));

        // Edges reach the cluster through either silo's gateway, as real ones spread over gateways.
        IGrainFactory[] gateways = [system.SiloService<IGrainFactory>(0), system.SiloService<IGrainFactory>(1)];
        var workspaces = Enumerable.Range(0, edgeCount * load.WorkspacesPerEdge).Select(i => $"bench-ws{i:D4}").ToArray();
        var edges = Enumerable.Range(0, edgeCount)
            .Select(i => new SimulatedEdge($"bench-edge{i:D2}-{Guid.NewGuid():N}", gateways[i % gateways.Length], workspaces, load, new Random(i)))
            .ToList();

        using var stop = new CancellationTokenSource();
        var hardStop = load.Warmup + load.Measure + TimeSpan.FromMinutes(2);
        stop.CancelAfter(hardStop);
        await Task.WhenAll(edges.Select(e => e.StartAsync()));
        var running = edges.SelectMany(e => e.Run(stop.Token)).ToList();

        await Task.Delay(load.Warmup);
        var before = counter.Snapshot();
        var (renewals, changes, broadcasts) = Totals(edges);
        var clock = Stopwatch.StartNew();
        await Task.Delay(load.Measure);
        var after = counter.Snapshot();
        var measured = clock.Elapsed;
        var (renewalsAfter, changesAfter, broadcastsAfter) = Totals(edges);

        await stop.CancelAsync();
        await Task.WhenAll(running);

        // What `GET /realtime/stats` must say once the edges renew with their final counts.
        await Task.WhenAll(edges.Select(e => e.RenewAsync()));
        var expected = new ClusterStats(
            edges.Sum(e => e.Connections.Count),
            edges.Sum(e => e.Connections.Count),
            edges.SelectMany(e => e.Connections.Select(c => c.WorkspaceId)).Distinct(StringComparer.Ordinal).Count(),
            edges.Sum(e => e.Broadcasts),
            edges.Count);
        var settle = Stopwatch.StartNew();
        var stats = gateways[0].GetGrain<IClusterStatsGrain>(0);
        await Eventually.UntilAsync(stats.GetStats, s => s == expected, $"the cluster stats agree with the edges ({expected})", TimeSpan.FromSeconds(30));

        return new Result(
            mode,
            edgeCount,
            workspaces.Length,
            edges.Sum(e => e.Connections.Count),
            measured,
            GrainCallCounter.Between(before, after),
            renewalsAfter - renewals,
            changesAfter - changes,
            broadcastsAfter - broadcasts,
            settle.Elapsed);
    }

    private static (long Renewals, long Changes, long Broadcasts) Totals(IReadOnlyList<SimulatedEdge> edges) =>
        (edges.Sum(e => e.Renewals), edges.Sum(e => e.ConnectionChanges), edges.Sum(e => e.Broadcasts));

    private sealed record Connection(string WorkspaceId, string UserId, string ConnectionId);

    /// <summary>What an edge does to the grains: its lease, its connections' presence, and the broadcasts to its workspaces.</summary>
    private sealed class SimulatedEdge(string edgeId, IGrainFactory grains, IReadOnlyList<string> workspaces, Load load, Random random)
    {
        private readonly PresenceService _presence = new(grains);
        private readonly RealtimeService _broadcasts = new(grains);
        private long _renewals;
        private long _changes;
        private long _broadcastCount;
        private int _next;

        private int Next(int max)
        {
            lock (random)
            {
                return random.Next(max);
            }
        }

        public List<Connection> Connections { get; } = [];

        public long Renewals => Interlocked.Read(ref _renewals);

        public long ConnectionChanges => Interlocked.Read(ref _changes);

        public long Broadcasts => Interlocked.Read(ref _broadcastCount);

        /// <summary>The lease first, as a real edge takes it before accepting connections; then its connections.</summary>
        public async Task StartAsync()
        {
            await RenewAsync();
            for (var i = 0; i < load.ConnectionsPerEdge; i++)
            {
                await OpenAsync();
            }
        }

        public IEnumerable<Task> Run(CancellationToken stop)
        {
            yield return EveryAsync(Load.LeaseRenewInterval, RenewAsync, stop);
            yield return EveryAsync(TimeSpan.FromSeconds(1 / load.ConnectionChangesPerEdgePerSecond), ChangeAsync, stop);
            yield return EveryAsync(TimeSpan.FromSeconds(1 / load.BroadcastsPerEdgePerSecond), BroadcastAsync, stop);
        }

        public async Task RenewAsync()
        {
            int count;
            lock (Connections)
            {
                count = Connections.Count;
            }

            await grains.GetGrain<IEdgeGrain>(edgeId).Renew(Load.LeaseDuration, count);
            Interlocked.Increment(ref _renewals);
        }

        /// <summary>Every period from a random phase, so edges do not act in step; an action is never cut off halfway.</summary>
        private async Task EveryAsync(TimeSpan period, Func<Task> action, CancellationToken stop)
        {
            try
            {
                await Task.Delay(period * (Next(1000) / 1000.0), stop);
                using var timer = new PeriodicTimer(period);
                do
                {
                    await action();
                }
                while (await timer.WaitForNextTickAsync(stop));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        /// <summary>A connection closes or opens, keeping the edge near its connection count.</summary>
        private Task ChangeAsync()
        {
            int count;
            lock (Connections)
            {
                count = Connections.Count;
            }

            var open = count < load.ConnectionsPerEdge || (count == load.ConnectionsPerEdge && Next(2) == 0);
            return open ? OpenAsync() : CloseAsync();
        }

        private async Task OpenAsync()
        {
            var n = Interlocked.Increment(ref _next);
            var connection = new Connection(workspaces[Next(workspaces.Count)], $"{edgeId}-u{n}", $"{edgeId}-c{n}");
            await _presence.SetUserOnline(connection.WorkspaceId, connection.UserId, connection.ConnectionId, edgeId);
            lock (Connections)
            {
                Connections.Add(connection);
            }

            Interlocked.Increment(ref _changes);
        }

        private async Task CloseAsync()
        {
            Connection connection;
            lock (Connections)
            {
                var index = Next(Connections.Count);
                connection = Connections[index];
                Connections.RemoveAt(index);
            }

            await _presence.SetUserOffline(connection.WorkspaceId, connection.UserId, connection.ConnectionId);
            Interlocked.Increment(ref _changes);
        }

        private async Task BroadcastAsync()
        {
            string workspaceId;
            lock (Connections)
            {
                workspaceId = Connections.Count > 0 ? Connections[Next(Connections.Count)].WorkspaceId : workspaces[0];
            }

            await _broadcasts.BroadcastToWorkspace(workspaceId, "bench:tick", new { edge = edgeId });
            Interlocked.Increment(ref _broadcastCount);
        }
    }
}
