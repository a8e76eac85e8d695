using Realtime.Grains.Streaming;

namespace Realtime.Grains.Presence;

/// <summary>
/// Payload of presence:update, presence:list and presence:online:list: the presence of some
/// users of a workspace. Lists are paged by user id; <see cref="NextCursor"/> is null on the last page.
/// <see cref="RecoveryPosition"/>: the workspace feed's position of the update, or of the list when
/// it was read, for a client to recover what follows (see <see cref="Streaming.RecoveryPosition"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.WorkspacePresence")]
public sealed record WorkspacePresence(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] IReadOnlyList<UserPresence> Users,
    [property: Id(2)] string? NextCursor = null,
    [property: Id(3)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}
