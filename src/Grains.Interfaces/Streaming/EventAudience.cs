namespace Realtime.Grains.Streaming;

/// <summary>Who on an edge receives an event: a whole workspace, or one user in it.</summary>
[GenerateSerializer, Immutable, Alias("realtime.EventAudience")]
public sealed record EventAudience(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] string? UserId)
{
    public static EventAudience Workspace(string workspaceId) => new(workspaceId, null);

    public static EventAudience User(string workspaceId, string userId) => new(workspaceId, userId);
}
