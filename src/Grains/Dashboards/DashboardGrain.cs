using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Dashboards;

/// <summary>
/// Keeps the latest value of each dashboard key and pushes every update to the workspace's
/// edges. An update older than the one already kept for its key is dropped: latest value wins.
/// The key set is bounded (oldest keys go); state is written at most once a second. Accepted
/// updates are numbered within the activation's epoch and carry that position, so a client back
/// from a brief disconnect gets only the keys that changed since (a new activation starts a new
/// epoch: its clients then get every latest value).
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
    private long _version;

    private long Epoch { get; } = Random.Shared.NextInt64(1, long.MaxValue);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _publisher = new EdgePublisher(this.GetStreamProvider(StreamNames.Provider), metrics);

        // Positions of an earlier activation mean nothing to this one: the kept values are numbered afresh.
        foreach (var update in state.State.Latest.Values.OrderBy(u => u.Version).ThenBy(u => u.Timestamp).ToList())
        {
            state.State.Latest[update.Key] = Numbered(update);
        }

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

        update = Numbered(update);
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

    public Task<DashboardSnapshot> GetLatest(long epoch, long afterVersion)
    {
        // The caller is usually a connection subscribing, on an edge the kept list may not have yet
        // (it joined the workspace within the last refresh): the next update asks the workspace
        // again, so that every update after these values reaches it.
        _edgesFetchedAt = DateTimeOffset.MinValue;
        var recovered = Reaches(epoch, afterVersion);
        var updates = state.State.Latest.Values.Where(u => !recovered || u.Version > afterVersion).OrderBy(u => u.Version).ToList();
        return Task.FromResult(new DashboardSnapshot(recovered, updates, Position(_version)));
    }

    public Task<bool> Recovers(long epoch, long afterVersion) => Task.FromResult(Reaches(epoch, afterVersion));

    private bool Reaches(long epoch, long afterVersion) => epoch == Epoch && afterVersion >= 0 && afterVersion <= _version;

    private DashboardUpdate Numbered(DashboardUpdate update)
    {
        var version = ++_version;
        var payload = update.Payload is IRecoverablePayload recoverable ? recoverable.WithRecoveryPosition(Position(version)) : update.Payload;
        return update with { Version = version, Payload = payload };
    }

    private string Position(long version) => new RecoveryPosition(this.GetPrimaryKeyString(), Epoch, version).ToString();

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
