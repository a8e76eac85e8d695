using Orleans.Concurrency;
using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Broadcasting;

/// <summary>Looks up the edges an audience lives on and publishes one event to each (a workspace publishes its own and its members'); as many activations as load needs.</summary>
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

    /// <summary>Through the workspace's feed too, so a client of the user back from a brief disconnect recovers it.</summary>
    public async Task ToUser(string workspaceId, string userId, string eventName, RawJson payload)
    {
        await GrainFactory.GetGrain<IWorkspaceGrain>(workspaceId).BroadcastToUser(userId, eventName, payload);
        stats.CountBroadcasts(1);
        LogUserBroadcast(eventName, workspaceId, userId);
    }

    /// <summary>Straight to every live edge: an event to everyone belongs to no workspace's feed, and is not recovered.</summary>
    public async Task ToAll(string eventName, RawJson payload)
    {
        var edges = await ClusterStats.GetLiveEdges();
        await _publisher.PublishAsync(edges, EdgeEvent.To(RealtimeHubs.Realtime, EventAudience.Everyone, eventName, payload, timeProvider.GetUtcNow()));
        stats.CountBroadcasts(1);
        LogBroadcast(eventName, edges.Count);
    }

    [LoggerMessage(1, LogLevel.Debug, "Broadcast {EventName} to everyone on {EdgeCount} edges")]
    private partial void LogBroadcast(string eventName, int edgeCount);

    [LoggerMessage(2, LogLevel.Debug, "Broadcast {EventName} to workspace {WorkspaceId} through its feed")]
    private partial void LogWorkspaceBroadcast(string eventName, string workspaceId);

    [LoggerMessage(3, LogLevel.Debug, "Broadcast {EventName} to user {UserId} of workspace {WorkspaceId} through the workspace's feed")]
    private partial void LogUserBroadcast(string eventName, string workspaceId, string userId);
}
