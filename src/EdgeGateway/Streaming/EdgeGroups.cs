using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// SignalR group names on an edge. Ids never contain '/', so a workspace group and a
/// user-in-workspace group can never be confused with one another or across workspaces.
/// </summary>
public static class EdgeGroups
{
    public static string Workspace(string workspaceId) => $"ws/{workspaceId}";

    public static string User(string workspaceId, string userId) => $"user/{workspaceId}/{userId}";

    public static string For(EventAudience audience) =>
        audience.UserId is null ? Workspace(audience.WorkspaceId) : User(audience.WorkspaceId, audience.UserId);
}
