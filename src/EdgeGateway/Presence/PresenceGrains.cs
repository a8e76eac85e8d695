using Realtime.EdgeGateway.Identity;
using Realtime.Grains;
using Realtime.Grains.Presence;
using Realtime.Grains.Workspaces;

namespace Realtime.EdgeGateway.Presence;

/// <summary>The grains behind a connection's identity.</summary>
public static class PresenceGrains
{
    public static IUserPresenceGrain UserPresence(this IGrainFactory grains, ConnectionIdentity identity) =>
        grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(identity.WorkspaceId, identity.UserId));

    public static IWorkspaceGrain Workspace(this IGrainFactory grains, string workspaceId) =>
        grains.GetGrain<IWorkspaceGrain>(workspaceId);
}
