using Realtime.Grains.Streaming;

namespace Realtime.Grains.Presence;

/// <summary>`presence:typing`: a user started or stopped typing in a conversation.</summary>
[GenerateSerializer, Immutable, Alias("realtime.TypingEvent")]
public sealed record TypingEvent(
    [property: Id(0)] string UserId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] bool IsTyping);

/// <summary>`presence:activity`: what a user started viewing, editing or commenting.</summary>
[GenerateSerializer, Immutable, Alias("realtime.ActivityEvent")]
public sealed record ActivityEvent(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Type,
    [property: Id(2)] string ResourceId,
    [property: Id(3)] string ResourceType,
    [property: Id(4)] DateTimeOffset At);

/// <summary>
/// `presence:summary`: counts of a large workspace, sent instead of every user's change, with the
/// workspace feed's position of the event (see <see cref="Streaming.RecoveryPosition"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.PresenceSummary")]
public sealed record PresenceSummary(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] int Online,
    [property: Id(2)] int Away,
    [property: Id(3)] int Total,
    [property: Id(4)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}
