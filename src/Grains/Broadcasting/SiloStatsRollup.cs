using Microsoft.Extensions.Options;

namespace Realtime.Grains.Broadcasting;

/// <summary>
/// This silo's part of the cluster stats. Grains on the silo (edge leases, workspaces, broadcasts)
/// report here, in memory, and the latest report of each edge and workspace plus the broadcasts
/// counted go to the cluster stats grain in one call per <see cref="StatsOptions.RollupInterval"/>:
/// that single grain takes (silos / interval) calls a second however many edges and workspaces
/// there are. A roll-up that fails is kept for the next one.
/// </summary>
public sealed partial class SiloStatsRollup(
    IGrainFactory grains,
    IOptions<StatsOptions> options,
    TimeProvider timeProvider,
    ILogger<SiloStatsRollup> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>A stopping silo waits this long at most for its last roll-up.</summary>
    private static readonly TimeSpan LastRollupTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<string, EdgeReport> _edges = new(StringComparer.Ordinal);
    private Dictionary<string, WorkspaceReport> _workspaces = new(StringComparer.Ordinal);
    private long _broadcasts;
    private Task _rolling = Task.CompletedTask;

    private TimeSpan Interval => options.Value.RollupInterval;

    private IClusterStatsGrain Cluster => grains.GetGrain<IClusterStatsGrain>(0);

    /// <summary>
    /// An edge's lease renewal or end. The first lease of an edge goes on at once, so that a
    /// broadcast to everyone reaches the edge from its first connection.
    /// </summary>
    public void ReportEdge(EdgeReport report, bool firstLease)
    {
        if (firstLease || Interval == TimeSpan.Zero)
        {
            SendNow(new StatsRollup([report], [], 0));
            return;
        }

        lock (_lock)
        {
            KeepNewest(_edges, report);
        }
    }

    public void ReportWorkspace(WorkspaceReport report)
    {
        if (Interval == TimeSpan.Zero)
        {
            SendNow(new StatsRollup([], [report], 0));
            return;
        }

        lock (_lock)
        {
            KeepNewest(_workspaces, report);
        }
    }

    public void CountBroadcasts(long events)
    {
        if (Interval == TimeSpan.Zero)
        {
            SendNow(new StatsRollup([], [], events));
            return;
        }

        lock (_lock)
        {
            _broadcasts += events;
        }
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        // The last roll-up goes before this silo's grains deactivate: the stats grain can still be
        // reached then, even when every silo stops. Reports made during deactivation are dropped;
        // a workspace with connections reports its counts again when it is next active.
        lifecycle.Subscribe(nameof(SiloStatsRollup), ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Sends what has been reported since the last roll-up, if anything.</summary>
    private async Task RollUpAsync()
    {
        StatsRollup rollup;
        lock (_lock)
        {
            rollup = new StatsRollup([.. _edges.Values], [.. _workspaces.Values], _broadcasts);
            if (rollup.IsEmpty)
            {
                return;
            }

            _edges = new(StringComparer.Ordinal);
            _workspaces = new(StringComparer.Ordinal);
            _broadcasts = 0;
        }

        try
        {
            await Cluster.Roll(rollup);
        }
        catch (Exception ex)
        {
            // Kept for the next roll-up; a report that arrived since is newer and stays. Should the
            // failed call have been applied after all, its broadcasts are counted twice.
            lock (_lock)
            {
                foreach (var edge in rollup.Edges)
                {
                    KeepNewest(_edges, edge);
                }

                foreach (var workspace in rollup.Workspaces)
                {
                    KeepNewest(_workspaces, workspace);
                }

                _broadcasts += rollup.EventsBroadcast;
            }

            LogRollupFailed(ex, rollup.Edges.Count, rollup.Workspaces.Count);
        }
    }

    private static void KeepNewest(Dictionary<string, EdgeReport> edges, EdgeReport report)
    {
        if (report.Supersedes(edges.GetValueOrDefault(report.EdgeId)))
        {
            edges[report.EdgeId] = report;
        }
    }

    private static void KeepNewest(Dictionary<string, WorkspaceReport> workspaces, WorkspaceReport report)
    {
        if (report.Supersedes(workspaces.GetValueOrDefault(report.WorkspaceId)))
        {
            workspaces[report.WorkspaceId] = report;
        }
    }

    /// <summary>One call for one report, as the stats grain was fed before roll-ups; a lost one is not retried.</summary>
    private void SendNow(StatsRollup rollup) => Cluster.Roll(rollup).Ignore();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interval > TimeSpan.Zero)
        {
            _rolling = Task.Run(() => RollEveryIntervalAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task RollEveryIntervalAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await RollUpAsync();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _rolling;
        try
        {
            await RollUpAsync().WaitAsync(LastRollupTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            LogLastRollupAbandoned();
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Rolling up the cluster stats failed ({EdgeCount} edges, {WorkspaceCount} workspaces); they go with the next roll-up")]
    private partial void LogRollupFailed(Exception ex, int edgeCount, int workspaceCount);

    [LoggerMessage(2, LogLevel.Information, "The silo stopped without waiting for its last cluster stats roll-up")]
    private partial void LogLastRollupAbandoned();
}
