namespace Realtime.Grains.Presence;

/// <summary>Presence of one user in one workspace, exactly as docs/protocol.md puts it on the wire.</summary>
[GenerateSerializer, Immutable, Alias("realtime.UserPresence")]
public sealed record UserPresence(
    [property: Id(0)] string UserId,
    [property: Id(1)] string WorkspaceId,
    [property: Id(2)] PresenceStatus Status,
    [property: Id(3)] string? CurrentPage,
    [property: Id(4)] DateTimeOffset LastSeen,
    [property: Id(5)] int ConnectionCount,
    [property: Id(6)] PresenceActivity? Activity)
{
    /// <summary>True when other users would see a difference: status, page or activity.</summary>
    public bool IsVisiblyDifferentFrom(UserPresence? other) =>
        other is null
        || Status != other.Status
        || !string.Equals(CurrentPage, other.CurrentPage, StringComparison.Ordinal)
        || Activity != other.Activity;
}
