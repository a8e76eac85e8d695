using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// Follows each workspace's feed on this edge. It passes the feed's events on in order, drops a
/// copy it has delivered already, and when one went missing on the way (a stream queue that died
/// with its silo: the next event's link points past the last one seen, or the workspace grain
/// came back with a new epoch) it asks the workspace for what it missed and delivers that first.
/// An event lost at the end of a burst shows no gap until the next one, so a check compares each
/// recently active workspace's head with what this edge has seen every
/// <see cref="EdgeOptions.FeedCheckInterval"/>, and every workspace's for a minute after the edge
/// lost a silo gateway.
/// </summary>
public sealed partial class WorkspaceFeedReader(
    IClusterClient client,
    EdgeIdentity edge,
    EdgeEventDispatcher dispatcher,
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

    /// <summary>A workspace quiet this long is forgotten; its next event starts it afresh.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private const int ParallelChecks = 16;

    private readonly ConcurrentDictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);
    private long _checkEverythingUntilTicks;

    /// <summary>Workspaces this edge follows.</summary>
    public int Count => _cursors.Count;

    /// <summary>Takes an event of a workspace feed off the stream: delivers it, after what was missed before it, or drops a repeat.</summary>
    public async Task ReceiveAsync(EdgeEvent evt)
    {
        var position = evt.Position ?? throw new ArgumentException("Not a workspace feed event.", nameof(evt));
        var cursor = _cursors.GetOrAdd(position.WorkspaceId, static _ => new Cursor());
        await cursor.Gate.WaitAsync();
        try
        {
            cursor.LastEventAt = timeProvider.GetUtcNow();
            if (cursor.Epoch == 0)
            {
                cursor.MoveTo(position.Epoch, position.Sequence);
                dispatcher.Deliver(evt);
                return;
            }

            if (position.Epoch != cursor.Epoch || position.Previous > cursor.Last)
            {
                await RepairAsync(position.WorkspaceId, cursor, position);
            }

            if (position.Epoch == cursor.Epoch && position.Sequence > cursor.Last)
            {
                cursor.MoveTo(position.Epoch, position.Sequence);
                dispatcher.Deliver(evt);
            }
            else
            {
                metrics.FeedRepeatDropped();
            }
        }
        finally
        {
            cursor.Gate.Release();
        }
    }

    /// <summary>Checks every workspace at the next checks for a while (its stream may have lost events of any of them).</summary>
    public void CheckEverythingSoon() =>
        Interlocked.Exchange(ref _checkEverythingUntilTicks, (timeProvider.GetUtcNow() + CheckEverythingAfterLoss).UtcTicks);

    /// <summary>Compares the feeds this edge follows with their workspaces and repairs what is missing; returns how many were repaired.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var everything = now.UtcTicks < Interlocked.Read(ref _checkEverythingUntilTicks) || now - readiness.GatewayLostAt < CheckEverythingAfterLoss;
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FeedCheckInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(ex);
            }
        }
    }

    /// <summary>
    /// One workspace: first what an earlier repair could not fetch, then the head. A head ahead of
    /// this edge is repaired only when it was ahead by the same at the previous check too: events
    /// still on their way are not missing.
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
            var behind = head.Epoch != cursor.Epoch || head.Sequence > cursor.Last;
            if (!behind)
            {
                cursor.BehindAt = null;
                return repaired;
            }

            if (cursor.BehindAt != (cursor.Epoch, cursor.Last))
            {
                cursor.BehindAt = (cursor.Epoch, cursor.Last);
                return repaired;
            }

            cursor.BehindAt = null;
            return await RepairAsync(workspaceId, cursor, position: null) || repaired;
        }
        finally
        {
            cursor.Gate.Release();
        }
    }

    /// <summary>
    /// Fetches and delivers what the edge missed after its cursor, up to the workspace's head (later
    /// copies still on the stream are then dropped as repeats). If the workspace cannot be reached in
    /// time, the event that showed the gap is delivered anyway (it moves the cursor) and the gap is
    /// kept for the next check to fetch, so nothing is held up for long or delivered twice.
    /// </summary>
    private async Task<bool> RepairAsync(string workspaceId, Cursor cursor, FeedPosition? position)
    {
        FeedCatchUp catchUp;
        try
        {
            catchUp = await Workspace(workspaceId).CatchUp(edge.EdgeId, cursor.Epoch, cursor.Last, long.MaxValue).WaitAsync(RepairTimeout);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.FeedRepaired("failed");
            LogRepairFailed(ex, workspaceId, cursor.Epoch, cursor.Last);
            if (position is not null)
            {
                cursor.Pending.Add(new Gap(cursor.Epoch, cursor.Last, position.Previous));
                cursor.MoveTo(position.Epoch, position.Previous);
            }

            return false;
        }

        Deliver(catchUp, workspaceId, cursor.Epoch, cursor.Last);
        cursor.MoveTo(catchUp.Head.Epoch, catchUp.Head.Sequence);
        return true;
    }

    private async Task<bool> RetryPendingAsync(string workspaceId, Cursor cursor)
    {
        var repaired = false;
        foreach (var gap in cursor.Pending.ToList())
        {
            try
            {
                var catchUp = await Workspace(workspaceId).CatchUp(edge.EdgeId, gap.Epoch, gap.After, gap.Through).WaitAsync(RepairTimeout);
                Deliver(catchUp, workspaceId, gap.Epoch, gap.After);
                cursor.Pending.Remove(gap);
                repaired = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRepairFailed(ex, workspaceId, gap.Epoch, gap.After);
                return repaired;
            }
        }

        return repaired;
    }

    private void Deliver(FeedCatchUp catchUp, string workspaceId, long epoch, long after)
    {
        metrics.FeedRepaired(catchUp.Complete ? "complete" : "partial");
        LogRepaired(workspaceId, epoch, after, catchUp.Head.Epoch, catchUp.Head.Sequence, catchUp.Events.Count, catchUp.Complete);
        foreach (var evt in catchUp.Events)
        {
            dispatcher.Deliver(evt);
        }
    }

    private IWorkspaceGrain Workspace(string workspaceId) => client.GetGrain<IWorkspaceGrain>(workspaceId);

    [LoggerMessage(1, LogLevel.Warning, "Workspace {WorkspaceId}: sent again what this edge missed after {Epoch}/{After}, up to {HeadEpoch}/{HeadSequence}: {EventCount} events (complete: {Complete})")]
    private partial void LogRepaired(string workspaceId, long epoch, long after, long headEpoch, long headSequence, int eventCount, bool complete);

    [LoggerMessage(2, LogLevel.Warning, "Workspace {WorkspaceId}: could not fetch what this edge missed after {Epoch}/{After}; the next check asks again")]
    private partial void LogRepairFailed(Exception ex, string workspaceId, long epoch, long after);

    [LoggerMessage(3, LogLevel.Debug, "Workspace {WorkspaceId}: could not read the feed head; the next check asks again")]
    private partial void LogHeadFailed(Exception ex, string workspaceId);

    [LoggerMessage(4, LogLevel.Warning, "Checking the workspace feeds failed; checking again at the next interval")]
    private partial void LogCheckFailed(Exception ex);

    /// <summary>
    /// Events after <see cref="After"/> of <see cref="Epoch"/> still to be fetched, up to <see cref="Through"/>
    /// of the feed's current epoch (the edge delivered from there on).
    /// </summary>
    private sealed record Gap(long Epoch, long After, long Through);

    /// <summary>Where this edge stands in one workspace's feed. <see cref="Gate"/> keeps its deliveries in order.</summary>
    private sealed class Cursor
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long Epoch { get; private set; }

        public long Last { get; private set; }

        public DateTimeOffset LastEventAt { get; set; }

        /// <summary>The position at which the previous check found the head ahead.</summary>
        public (long Epoch, long Last)? BehindAt { get; set; }

        public List<Gap> Pending { get; } = [];

        public void MoveTo(long epoch, long sequence)
        {
            Epoch = epoch;
            Last = sequence;
        }
    }
}
