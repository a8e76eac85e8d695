using Orleans.Concurrency;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Broadcasting;

/// <summary>Looks up the edges an audience lives on and publishes one event to each (a workspace publishes its own); as many activations as load needs.</summary>
[StatelessWorker]
public sealed partial class BroadcastGrain(
    TimeProvider timeProvider,
    RealtimeGrainMetrics metrics,
    SiloStatsRollup stats,
    ILogger<BroadcastGrain> logger) : Grain, IBroadcastGrain
{
    private EdgePublisher _publisher = null!;

    private IClusterStatsGrain ClusterStats => GrainFactory.GetGrain<IClusterStatsGrain>(0);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _publisher = new EdgePublisher(this.GetStreamProvider(StreamNames.Provider), metrics);
        return Task.CompletedTask;
    }

    /// <summary>Through the workspace's feed, so an edge that misses it gets it again.</summary>
    public async Task ToWorkspace(string workspaceId, string eventName, RawJson payload)
    {
        await GrainFactory.GetGrain<IWorkspaceGrain>(workspaceId).Broadcast(eventName, payload);
        stats.CountBroadcasts(1);
        LogWorkspaceBroadcast(eventName, workspaceId);
    }

    public async Task ToUser(string workspaceId, string userId, string eventName, RawJson payload)
    {
        var edges = await GrainFactory.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(workspaceId, userId)).GetEdges();
        await PublishAsync(edges, EventAudience.User(workspaceId, userId), eventName, payload);
    }

    public async Task ToAll(string eventName, RawJson payload) =>
        await PublishAsync(await ClusterStats.GetLiveEdges(), EventAudience.Everyone, eventName, payload);

    private async Task PublishAsync(IReadOnlyCollection<string> edges, EventAudience audience, string eventName, RawJson payload)
    {
        await _publisher.PublishAsync(edges, EdgeEvent.To(RealtimeHubs.Realtime, audience, eventName, payload, timeProvider.GetUtcNow()));
        stats.CountBroadcasts(1);
        LogBroadcast(eventName, audience.WorkspaceId, audience.UserId, edges.Count);
    }

    [LoggerMessage(1, LogLevel.Debug, "Broadcast {EventName} to workspace {WorkspaceId} user {UserId} on {EdgeCount} edges")]
    private partial void LogBroadcast(string eventName, string workspaceId, string? userId, int edgeCount);

    [LoggerMessage(2, LogLevel.Debug, "Broadcast {EventName} to workspace {WorkspaceId} through its feed")]
    private partial void LogWorkspaceBroadcast(string eventName, string workspaceId);
}
