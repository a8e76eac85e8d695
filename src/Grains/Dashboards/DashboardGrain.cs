using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Dashboards;

/// <summary>
/// Keeps the latest value of each dashboard key and pushes every update to the workspace's
/// edges. An update older than the one already kept for its key is dropped: latest value wins.
/// The key set is bounded (oldest keys go); state is written at most once a second.
/// </summary>
public sealed class DashboardGrain(
    [PersistentState("dashboard", StorageNames.Realtime)] IPersistentState<DashboardState> state,
    TimeProvider timeProvider,
    RealtimeGrainMetrics metrics) : Grain, IDashboardGrain
{
    public const int MaxKeys = 1000;
    private static readonly TimeSpan EdgeRefresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(1);

    private EdgePublisher _publisher = null!;
    private IReadOnlyCollection<string> _edges = [];
    private DateTimeOffset _edgesFetchedAt = DateTimeOffset.MinValue;
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _publisher = new EdgePublisher(this.GetStreamProvider(StreamNames.Provider), metrics);
        this.RegisterGrainTimer(_ => PersistIfDirtyAsync(), PersistInterval, PersistInterval);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => PersistIfDirtyAsync();

    public async Task Publish(DashboardUpdate update)
    {
        var latest = state.State.Latest;
        if (latest.TryGetValue(update.Key, out var kept) && kept.Timestamp > update.Timestamp)
        {
            return;
        }

        latest[update.Key] = update;
        if (latest.Count > MaxKeys)
        {
            latest.Remove(latest.Values.MinBy(u => u.Timestamp)!.Key);
        }

        _dirty = true;
        var hub = update.EventName == RealtimeEvents.MetricsUpdate ? RealtimeHubs.Metrics : RealtimeHubs.Dashboard;
        var evt = EdgeEvent.To(hub, EventAudience.Workspace(this.GetPrimaryKeyString()), update.EventName, update, timeProvider.GetUtcNow());
        await _publisher.PublishAsync(await EdgesAsync(), evt);
    }

    public Task<IReadOnlyList<DashboardUpdate>> GetLatest()
    {
        // The caller is usually a connection subscribing, on an edge the kept list may not have yet
        // (it joined the workspace within the last refresh): the next update asks the workspace
        // again, so that every update after these values reaches it.
        _edgesFetchedAt = DateTimeOffset.MinValue;
        return Task.FromResult<IReadOnlyList<DashboardUpdate>>(state.State.Latest.Values.OrderBy(u => u.Timestamp).ToList());
    }

    /// <summary>The workspace's edges, asked again at most once a second so fast updates do not load the workspace grain.</summary>
    private async Task<IReadOnlyCollection<string>> EdgesAsync()
    {
        var now = timeProvider.GetUtcNow();
        if (now - _edgesFetchedAt >= EdgeRefresh)
        {
            _edges = [.. (await GrainFactory.GetGrain<IWorkspaceGrain>(this.GetPrimaryKeyString()).GetEdges()).Keys];
            _edgesFetchedAt = now;
        }

        return _edges;
    }

    private async Task PersistIfDirtyAsync()
    {
        if (_dirty)
        {
            _dirty = false;
            await state.WriteStateAsync();
        }
    }
}
