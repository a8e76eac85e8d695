using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// Follows each workspace's feed on this edge. It passes the feed's events on in order, drops a
/// copy it has delivered already, and when one went missing on the way (a stream queue that died
/// with its silo: the next event's link points past the last one seen) it asks the workspace for
/// what it missed and delivers that first. Each activation of the workspace grain (epoch) is a
/// chain of its own: after a silo dies, an old activation's last events can still arrive after the
/// new one's first, and for a while two activations can even publish side by side. A new epoch
/// also brings the workspace's current presence, since the old one's last changes may be lost.
/// An event lost at the end of a burst shows no gap until the next one, so a check compares each
/// recently active workspace's head with what this edge has seen every
/// <see cref="EdgeOptions.FeedCheckInterval"/>, and every workspace's for a minute after the edge
/// lost a silo gateway.
/// </summary>
public sealed partial class WorkspaceFeedReader(
    IClusterClient client,
    EdgeIdentity edge,
    EdgeEventDispatcher dispatcher,
    LocalConnections localConnections,
    RecoveringConnections recovering,
    IOptions<EdgeOptions> options,
    EdgeReadiness readiness,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<WorkspaceFeedReader> logger) : BackgroundService
{
    /// <summary>A repair call longer than this holds up the edge's stream too long; the check asks again.</summary>
    private static readonly TimeSpan RepairTimeout = TimeSpan.FromSeconds(3);

    /// <summary>A workspace is checked while it had an event this recently: losses happen where events are.</summary>
    private static readonly TimeSpan RecentlyActive = TimeSpan.FromSeconds(30);

    /// <summary>After a silo gateway is lost, its stream queues may have taken events of any workspace with them.</summary>
    private static readonly TimeSpan CheckEverythingAfterLoss = TimeSpan.FromMinutes(1);

    /// <summary>How often recently active workspaces are checked in the minute after a gateway loss.</summary>
    private static readonly TimeSpan FastCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>A gap no activation could fill within this time is given up (the recovery window).</summary>
    private static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(2);

    /// <summary>A workspace quiet this long is forgotten; its next event starts it afresh.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private const int ParallelChecks = 16;

    private readonly ConcurrentDictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);
    private long _checkEverythingUntilTicks;
    private long _runningSinceTicks = long.MaxValue;

    /// <summary>
    /// Completes once this edge has delivered its workspace's feed through <paramref name="sequence"/>
    /// of <paramref name="epoch"/> (its sends started), for a connection replaying up to there that
    /// must not then get those events live as well. Gives up (false) after <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WhenDeliveredAsync(string workspaceId, long epoch, long sequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (sequence <= 0)
        {
            return true;
        }

        var cursor = _cursors.GetOrAdd(workspaceId, static _ => new Cursor());
        var reached = cursor.WhenDelivered(epoch, sequence);
        try
        {
            await reached.WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            cursor.Forget(reached);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            return false;
        }

        // Advanced before its events' sends start, under the gate: once the gate is free they have.
        await cursor.Gate.WaitAsync(cancellationToken);
        cursor.Gate.Release();
        return true;
    }

    /// <summary>Takes an event of a workspace feed off the stream: delivers it, after what was missed before it, or drops a repeat.</summary>
    public async Task ReceiveAsync(EdgeEvent evt)
    {
        var position = evt.Position ?? throw new ArgumentException("Not a workspace feed event.", nameof(evt));
        var cursor = _cursors.GetOrAdd(position.WorkspaceId, static _ => new Cursor());
        await cursor.Gate.WaitAsync();
        try
        {
            cursor.LastEventAt = timeProvider.GetUtcNow();
            if (cursor.IsNew)
            {
                // Following starts here: what came before was not this edge's.
                cursor.Advance(position.Epoch, position.Sequence);
                dispatcher.Deliver(evt);
                return;
            }

            if (!cursor.TryGetLast(position.Epoch, out var last))
            {
                await RecoverEarlierEpochsAsync(position.WorkspaceId, cursor);
                await RepairAsync(position.WorkspaceId, cursor, new Gap(position.Epoch, 0, position.Previous, cursor.LastEventAt), currentPresence: true);
            }
            else if (position.Previous > last)
            {
                await RepairAsync(position.WorkspaceId, cursor, new Gap(position.Epoch, last, position.Previous, cursor.LastEventAt), currentPresence: false);
            }

            if (cursor.TryGetLast(position.Epoch, out last) && position.Sequence <= last)
            {
                metrics.FeedRepeatDropped();
                return;
            }

            cursor.Advance(position.Epoch, position.Sequence);
            dispatcher.Deliver(evt);
        }
        finally
        {
            cursor.Gate.Release();
        }
    }

    /// <summary>Checks every workspace at the next checks for a while (its stream may have lost events of any of them).</summary>
    public void CheckEverythingSoon() =>
        Interlocked.Exchange(ref _checkEverythingUntilTicks, (timeProvider.GetUtcNow() + CheckEverythingAfterLoss).UtcTicks);

    /// <summary>
    /// Compares the feeds this edge follows with their workspaces and repairs what is missing;
    /// returns how many were repaired. With recentOnly, only workspaces with recent events (and
    /// pending gaps), even right after a loss.
    /// </summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken, bool recentOnly = false)
    {
        var now = timeProvider.GetUtcNow();
        var everything = !recentOnly && (now.UtcTicks < Interlocked.Read(ref _checkEverythingUntilTicks) || AfterGatewayLoss(now));
        var due = new List<KeyValuePair<string, Cursor>>();
        foreach (var entry in _cursors)
        {
            var quietFor = now - entry.Value.LastEventAt;
            if (quietFor > ForgetAfter && entry.Value.Pending.Count == 0)
            {
                _cursors.TryRemove(entry);
            }
            else if (everything || quietFor <= RecentlyActive || entry.Value.Pending.Count > 0)
            {
                due.Add(entry);
            }
        }

        var repaired = 0;
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelChecks, CancellationToken = cancellationToken },
            async (entry, _) =>
            {
                if (await CheckAsync(entry.Key, entry.Value))
                {
                    Interlocked.Increment(ref repaired);
                }
            });
        return repaired;
    }

    /// <summary>
    /// Checks every <see cref="EdgeOptions.FeedCheckInterval"/>; for a minute after a silo gateway
    /// was lost, the recently active workspaces every second in between: an event stuck in a dead
    /// silo's queue reveals no gap (the edge's whole stream waits for the queue to move), and a
    /// client may leave before a 5-10 s check would bring it.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.FeedCheckInterval;
        _runningSinceTicks = timeProvider.GetUtcNow().UtcTicks;
        using var timer = new PeriodicTimer(interval < FastCheckInterval ? interval : FastCheckInterval, timeProvider);
        var lastFull = timeProvider.GetUtcNow();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = timeProvider.GetUtcNow();
                if (now - lastFull >= interval)
                {
                    lastFull = now;
                    await CheckAsync(stoppingToken);
                }
                else if (AfterGatewayLoss(now))
                {
                    await CheckAsync(stoppingToken, recentOnly: true);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(ex);
            }
        }
    }

    /// <summary>A gateway lost while this edge was running, within the last minute (the client's own start may count one).</summary>
    private bool AfterGatewayLoss(DateTimeOffset now) =>
        readiness.GatewayLostAt.UtcTicks > Interlocked.Read(ref _runningSinceTicks) && now - readiness.GatewayLostAt < CheckEverythingAfterLoss;

    /// <summary>
    /// One workspace: first what earlier repairs could not fetch, then the head of the activation
    /// that answers. A head ahead of this edge is repaired only when it was ahead by the same at the
    /// previous check too: events still on their way are not missing.
    /// </summary>
    private async Task<bool> CheckAsync(string workspaceId, Cursor cursor)
    {
        FeedHead head;
        try
        {
            head = await Workspace(workspaceId).GetFeedHead(edge.EdgeId).WaitAsync(RepairTimeout);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHeadFailed(ex, workspaceId);
            return false;
        }

        await cursor.Gate.WaitAsync();
        try
        {
            var repaired = await RetryPendingAsync(workspaceId, cursor);
            var known = cursor.TryGetLast(head.Epoch, out var last);
            if (known && head.Sequence <= last)
            {
                cursor.BehindAt = null;
                return repaired;
            }

            var behindAt = (head.Epoch, known ? last : -1);
            if (cursor.BehindAt != behindAt)
            {
                cursor.BehindAt = behindAt;
                return repaired;
            }

            cursor.BehindAt = null;
            if (!known)
            {
                repaired |= await RecoverEarlierEpochsAsync(workspaceId, cursor);
            }

            var gap = new Gap(head.Epoch, known ? last : 0, long.MaxValue, timeProvider.GetUtcNow());
            return await RepairAsync(workspaceId, cursor, gap, currentPresence: !known) || repaired;
        }
        finally
        {
            cursor.Gate.Release();
        }
    }

    /// <summary>
    /// Fetches and delivers what the edge missed in the gap. What the answer does not cover (the
    /// workspace out of reach in time, or another activation answering without the broadcast log)
    /// is kept for the next checks to fetch, and the cursor moves past the gap either way, so
    /// nothing is held up for long or delivered twice.
    /// </summary>
    private async Task<bool> RepairAsync(string workspaceId, Cursor cursor, Gap gap, bool currentPresence)
    {
        var catchUp = await FetchAsync(workspaceId, cursor, gap, currentPresence);
        if (catchUp is not null && catchUp.Head.Epoch == gap.Epoch)
        {
            // This activation answered: the gap is filled, or its history no longer reaches it (then current presence came).
            cursor.Advance(gap.Epoch, gap.Through == long.MaxValue ? catchUp.Head.Sequence : gap.Through);
            return true;
        }

        if (gap.Through == long.MaxValue)
        {
            // An epoch's tail, answered by another activation: that one may still be sending.
            if (!cursor.Pending.Any(g => g.Epoch == gap.Epoch && g.Through == long.MaxValue))
            {
                cursor.Pending.Add(gap);
            }
        }
        else
        {
            if (catchUp is not { Complete: true })
            {
                cursor.Pending.Add(gap);
            }

            cursor.Advance(gap.Epoch, gap.Through);
        }

        // The log answered: a bounded gap is settled; an epoch's open tail counts only if it brought something.
        return catchUp is { Complete: true } && (gap.Through != long.MaxValue || catchUp.Events.Count > 0);
    }

    /// <summary>
    /// A new activation of the workspace: the ones this edge followed before may have sent events
    /// that died with their silo, the last of which no later event reveals. The broadcast log has
    /// them; they are asked for now, and again at each check while the window lasts (an earlier
    /// activation can still be finishing on a silo that is not dead yet).
    /// </summary>
    private async Task<bool> RecoverEarlierEpochsAsync(string workspaceId, Cursor cursor)
    {
        var repaired = false;
        foreach (var (epoch, last) in cursor.Chains.ToList())
        {
            repaired |= await RepairAsync(workspaceId, cursor, new Gap(epoch, last, long.MaxValue, timeProvider.GetUtcNow()), currentPresence: false);
        }

        return repaired;
    }

    private async Task<bool> RetryPendingAsync(string workspaceId, Cursor cursor)
    {
        var repaired = false;
        var expired = timeProvider.GetUtcNow() - PendingFor;
        foreach (var gap in cursor.Pending.ToList())
        {
            if (gap.Since < expired)
            {
                cursor.Pending.Remove(gap);
                continue;
            }

            // An earlier activation's tail: asked from what was delivered since.
            var ask = gap.Through == long.MaxValue && cursor.TryGetLast(gap.Epoch, out var last) ? gap with { After = last } : gap;
            var catchUp = await FetchAsync(workspaceId, cursor, ask, currentPresence: false);
            if (catchUp is null)
            {
                continue;
            }

            var filled = catchUp.Head.Epoch == gap.Epoch || (catchUp.Complete && gap.Through != long.MaxValue);
            if (filled)
            {
                cursor.Pending.Remove(gap);
            }

            if (catchUp.Head.Epoch == gap.Epoch && gap.Through == long.MaxValue)
            {
                cursor.Advance(gap.Epoch, catchUp.Head.Sequence);
            }

            repaired |= (filled && gap.Through != long.MaxValue) || catchUp.Events.Count > 0;
        }

        return repaired;
    }

    /// <summary>
    /// Asks the workspace for the gap and delivers what comes back; null when it could not be reached
    /// in time. Events from the broadcast log carry their position: one this edge had already is dropped.
    /// </summary>
    private async Task<FeedCatchUp?> FetchAsync(string workspaceId, Cursor cursor, Gap gap, bool currentPresence)
    {
        FeedCatchUp catchUp;
        try
        {
            catchUp = await Workspace(workspaceId).CatchUp(edge.EdgeId, gap.Epoch, gap.After, gap.Through, currentPresence).WaitAsync(RepairTimeout);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.FeedRepaired("failed");
            LogRepairFailed(ex, workspaceId, gap.Epoch, gap.After);
            return null;
        }

        metrics.FeedRepaired(catchUp.Head.Epoch == gap.Epoch ? (catchUp.Complete ? "complete" : "partial") : (catchUp.Complete ? "log" : "elsewhere"));
        if (catchUp.Head.Epoch == gap.Epoch || catchUp.Events.Count > 0)
        {
            LogRepaired(workspaceId, gap.Epoch, gap.After, gap.Through, catchUp.Head.Epoch, catchUp.Head.Sequence, catchUp.Events.Count, catchUp.Complete);
        }

        foreach (var evt in catchUp.Events)
        {
            if (evt.Position is { } position)
            {
                if (cursor.TryGetLast(position.Epoch, out var last) && position.Sequence <= last)
                {
                    metrics.FeedRepeatDropped();
                    continue;
                }

                cursor.Advance(position.Epoch, position.Sequence);
            }

            dispatcher.Deliver(ToThoseHereWhenSent(evt));
        }

        return catchUp;
    }

    /// <summary>
    /// A broadcast sent again goes only to the workspace's connections that were here when it was
    /// first sent: one that came since (a client that moved here from another edge) may have had it
    /// there, and was not due it here, unless it is replaying what it missed (then it is kept for
    /// it, and dropped if the replay had it). Presence repairs state, so it goes to whoever is here now.
    /// </summary>
    private EdgeEvent ToThoseHereWhenSent(EdgeEvent evt)
    {
        if (!evt.Deliveries.Any(d => IsWholeWorkspace(d.Audience)))
        {
            return evt;
        }

        var deliveries = new List<EdgeDelivery>();
        foreach (var delivery in evt.Deliveries)
        {
            if (!IsWholeWorkspace(delivery.Audience))
            {
                deliveries.Add(delivery);
                continue;
            }

            var workspaceId = delivery.Audience.WorkspaceId;
            recovering.KeepRepaired(evt.Hubs, delivery.Audience, evt.EventName, delivery.Payload);
            deliveries.AddRange(localConnections.InWorkspaceBy(workspaceId, evt.PublishedAt)
                .Select(connectionId => new EdgeDelivery(EventAudience.Connection(workspaceId, connectionId), delivery.Payload)));
        }

        return evt with { Deliveries = deliveries };
    }

    private static bool IsWholeWorkspace(EventAudience audience) =>
        audience is { UserId: null, Group: null, ConnectionId: null, ExceptConnectionId: null, IsEveryone: false };

    private IWorkspaceGrain Workspace(string workspaceId) => client.GetGrain<IWorkspaceGrain>(workspaceId);

    [LoggerMessage(1, LogLevel.Warning, "Workspace {WorkspaceId}: asked for what this edge missed in epoch {Epoch} after {After} up to {Through}; activation {HeadEpoch} at {HeadSequence} sent {EventCount} events (complete: {Complete})")]
    private partial void LogRepaired(string workspaceId, long epoch, long after, long through, long headEpoch, long headSequence, int eventCount, bool complete);

    [LoggerMessage(2, LogLevel.Warning, "Workspace {WorkspaceId}: could not fetch what this edge missed after {Epoch}/{After}; the next check asks again")]
    private partial void LogRepairFailed(Exception ex, string workspaceId, long epoch, long after);

    [LoggerMessage(3, LogLevel.Debug, "Workspace {WorkspaceId}: could not read the feed head; the next check asks again")]
    private partial void LogHeadFailed(Exception ex, string workspaceId);

    [LoggerMessage(4, LogLevel.Warning, "Checking the workspace feeds failed; checking again at the next interval")]
    private partial void LogCheckFailed(Exception ex);

    /// <summary>Events of <see cref="Epoch"/> after <see cref="After"/> up to <see cref="Through"/> not yet fetched, known missing since <see cref="Since"/>.</summary>
    private sealed record Gap(long Epoch, long After, long Through, DateTimeOffset Since);

    /// <summary>
    /// Where this edge stands in one workspace's feed: the last sequence delivered of each recent
    /// epoch. <see cref="Gate"/> keeps its deliveries in order.
    /// </summary>
    private sealed class Cursor
    {
        private const int EpochsKept = 4;

        private readonly List<(long Epoch, long Last)> _chains = new(EpochsKept);
        private readonly List<(long Epoch, long Sequence, TaskCompletionSource Reached)> _waiters = [];

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool IsNew => _chains.Count == 0;

        /// <summary>The epochs followed, oldest first, each with the last sequence delivered.</summary>
        public IReadOnlyList<(long Epoch, long Last)> Chains => _chains;

        public DateTimeOffset LastEventAt { get; set; }

        /// <summary>The head at which the previous check found this edge behind (sequence -1: an epoch it had not seen).</summary>
        public (long Epoch, long Last)? BehindAt { get; set; }

        public List<Gap> Pending { get; } = [];

        public bool TryGetLast(long epoch, out long last)
        {
            foreach (var chain in _chains)
            {
                if (chain.Epoch == epoch)
                {
                    last = chain.Last;
                    return true;
                }
            }

            last = 0;
            return false;
        }

        /// <summary>Completes once <see cref="Advance"/> reached <paramref name="sequence"/> of <paramref name="epoch"/>.</summary>
        public Task WhenDelivered(long epoch, long sequence)
        {
            lock (_waiters)
            {
                if (TryGetLast(epoch, out var last) && last >= sequence)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((epoch, sequence, reached));
                return reached.Task;
            }
        }

        /// <summary>Everything of <paramref name="epoch"/> up to <paramref name="sequence"/> is delivered (it never moves back).</summary>
        public void Advance(long epoch, long sequence)
        {
            lock (_waiters)
            {
                AdvanceChain(epoch, sequence);
                if (_waiters.Count > 0)
                {
                    TryGetLast(epoch, out var last);
                    foreach (var waiter in _waiters.Where(w => w.Epoch == epoch && w.Sequence <= last).ToList())
                    {
                        _waiters.Remove(waiter);
                        waiter.Reached.TrySetResult();
                    }
                }
            }
        }

        /// <summary>A waiter that gave up.</summary>
        public void Forget(Task reached)
        {
            lock (_waiters)
            {
                _waiters.RemoveAll(w => w.Reached.Task == reached);
            }
        }

        private void AdvanceChain(long epoch, long sequence)
        {
            var index = _chains.FindIndex(c => c.Epoch == epoch);
            if (index >= 0)
            {
                var chain = _chains[index];
                _chains.RemoveAt(index);
                _chains.Add((epoch, Math.Max(chain.Last, sequence)));
                return;
            }

            if (_chains.Count == EpochsKept)
            {
                _chains.RemoveAt(0);
            }

            _chains.Add((epoch, sequence));
        }
    }
}
