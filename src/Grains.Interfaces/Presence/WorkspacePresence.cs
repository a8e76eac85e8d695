namespace Realtime.Grains.Presence;

/// <summary>Payload of presence:update and presence:list: the presence of some or all users of a workspace.</summary>
[GenerateSerializer, Immutable, Alias("realtime.WorkspacePresence")]
public sealed record WorkspacePresence(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] IReadOnlyList<UserPresence> Users);
