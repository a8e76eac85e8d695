namespace Realtime.Grains.Streaming;

/// <summary>
/// Who on an edge receives an event: a whole workspace, one user in it, a named interest group
/// in it (users watching a user, a resource, a conversation), or one connection (which may join
/// a group with it); optionally minus the connection that caused the event.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.EventAudience")]
public sealed record EventAudience(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] string? UserId = null,
    [property: Id(2)] string? Group = null,
    [property: Id(3)] string? ExceptConnectionId = null,
    [property: Id(4)] string? ConnectionId = null)
{
    /// <summary>Every connection of every workspace ("*" is never a workspace id).</summary>
    public static readonly EventAudience Everyone = new("*");

    public bool IsEveryone => WorkspaceId == "*";

    public static EventAudience Workspace(string workspaceId, string? exceptConnectionId = null) =>
        new(workspaceId, ExceptConnectionId: exceptConnectionId);

    public static EventAudience User(string workspaceId, string userId) => new(workspaceId, UserId: userId);

    /// <summary>One connection of the workspace.</summary>
    public static EventAudience Connection(string workspaceId, string connectionId) => new(workspaceId, ConnectionId: connectionId);

    /// <summary>
    /// One connection, which joins the interest group first: every later event to the group on the
    /// same edge stream reaches it too.
    /// </summary>
    public static EventAudience JoinGroup(string workspaceId, string connectionId, string group) =>
        new(workspaceId, Group: group, ConnectionId: connectionId);

    /// <summary>An interest group of the workspace, named by <see cref="InterestGroups"/>.</summary>
    public static EventAudience InGroup(string workspaceId, string group, string? exceptConnectionId = null) =>
        new(workspaceId, Group: group, ExceptConnectionId: exceptConnectionId);
}
