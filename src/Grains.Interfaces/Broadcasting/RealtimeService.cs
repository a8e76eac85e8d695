using Realtime.Grains.Notifications;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Broadcasting;

/// <summary>
/// Broadcasts for backend services, over the grain interfaces: construct it with
/// the IClusterClient (or any IGrainFactory) of an Orleans client of the cluster. Events go out
/// on /realtime under the given name with the given data (JSON, at most 16 KB).
/// </summary>
public sealed class RealtimeService(IGrainFactory grains)
{
    private IBroadcastGrain Broadcasts => grains.GetGrain<IBroadcastGrain>(0);

    public Task BroadcastToWorkspace(string workspaceId, string eventName, object data) =>
        Broadcasts.ToWorkspace(RealtimeIds.EnsureValid(workspaceId), BroadcastEventNames.EnsureValid(eventName), Json(data));

    public Task BroadcastToUser(string workspaceId, string userId, string eventName, object data) =>
        Broadcasts.ToUser(RealtimeIds.EnsureValid(workspaceId), RealtimeIds.EnsureValid(userId), BroadcastEventNames.EnsureValid(eventName), Json(data));

    public Task BroadcastToAll(string eventName, object data) =>
        Broadcasts.ToAll(BroadcastEventNames.EnsureValid(eventName), Json(data));

    /// <summary>Live connections of the workspace on every edge, exact.</summary>
    public async Task<int> GetWorkspaceConnectionCount(string workspaceId) =>
        (await grains.GetGrain<IWorkspaceGrain>(RealtimeIds.EnsureValid(workspaceId)).GetEdges()).Values.Sum();

    /// <summary>Live connections on all edges, as of their last lease renewal.</summary>
    public async Task<int> GetTotalConnectionCount() => (await grains.GetGrain<IClusterStatsGrain>(0).GetStats()).TotalConnections;

    private static RawJson Json(object data) => RawJson.Serialize(data, nameof(data));
}
