using Realtime.Grains.Streaming;

namespace Realtime.Grains.Inbox;

/// <summary>`inbox:typing`: a team member started or stopped typing in a conversation.</summary>
[GenerateSerializer, Immutable, Alias("realtime.InboxTyping")]
public sealed record InboxTyping(
    [property: Id(0)] string UserId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] bool IsTyping);

/// <summary>`inbox:read:receipt`: a team member read a conversation up to a message.</summary>
[GenerateSerializer, Immutable, Alias("realtime.InboxReadReceipt")]
public sealed record InboxReadReceipt(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string MessageId,
    [property: Id(2)] string UserId,
    [property: Id(3)] DateTimeOffset ReadAt,
    [property: Id(4)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>`inbox:sla:escalation`: a conversation waited for a team reply past its SLA deadline.</summary>
[GenerateSerializer, Immutable, Alias("realtime.SlaEscalation")]
public sealed record SlaEscalation(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] string? Assignee,
    [property: Id(3)] DateTimeOffset WaitingSince,
    [property: Id(4)] DateTimeOffset Deadline,
    [property: Id(5)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}
