using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// SignalR group names on an edge. Ids never contain '/', so groups of one workspace can never
/// be confused with one another or with those of another workspace.
/// </summary>
public static class EdgeGroups
{
    /// <summary>Every connection on the edge, for broadcasts to all.</summary>
    public const string Everyone = "all";

    public static string Workspace(string workspaceId) => $"ws/{workspaceId}";

    public static string User(string workspaceId, string userId) => $"user/{workspaceId}/{userId}";

    /// <summary>An interest group (<see cref="InterestGroups"/>) within a workspace.</summary>
    public static string Interest(string workspaceId, string group) => $"interest/{workspaceId}/{group}";

    /// <summary>Connections registered for the workspace's presence (<see cref="InterestGroups.Presence"/>).</summary>
    public static string Presence(string workspaceId) => Interest(workspaceId, InterestGroups.Presence);

    public static string For(EventAudience audience) => audience switch
    {
        { IsEveryone: true } => Everyone,
        { Group: { } group } => Interest(audience.WorkspaceId, group),
        { UserId: { } userId } => User(audience.WorkspaceId, userId),
        _ => Workspace(audience.WorkspaceId),
    };
}
