using Realtime.Grains.Presence;

namespace Realtime.Grains.Workspaces;

/// <summary>
/// One workspace: the presence of its members and the edges that hold its connections.
/// It fans workspace events out to exactly those edges, one stream message per edge.
/// Key: the workspace id.
/// </summary>
[Alias("realtime.IWorkspaceGrain")]
public interface IWorkspaceGrain : IGrainWithStringKey
{
    /// <summary>A connection of <paramref name="presence"/>'s user opened on an edge.</summary>
    [Alias("ConnectionOpened")]
    Task ConnectionOpened(string edgeId, UserPresence presence);

    /// <summary>A connection of <paramref name="presence"/>'s user closed on an edge.</summary>
    [Alias("ConnectionClosed")]
    Task ConnectionClosed(string edgeId, UserPresence presence);

    /// <summary>A member's presence changed without a connection opening or closing.</summary>
    [Alias("PresenceChanged")]
    Task PresenceChanged(UserPresence presence);

    /// <summary>Every member seen in the workspace, online first.</summary>
    [Alias("GetPresence")]
    Task<WorkspacePresence> GetPresence();

    /// <summary>The edges that currently hold connections of this workspace, with their connection counts.</summary>
    [Alias("GetEdges")]
    Task<IReadOnlyDictionary<string, int>> GetEdges();
}
