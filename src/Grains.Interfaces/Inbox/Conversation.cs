using Realtime.Grains.Streaming;

namespace Realtime.Grains.Inbox;

/// <summary>
/// `inbox:conversation:update`, and what `inbox:subscribed` gives for one conversation: who has it,
/// where it stands, who took part, its last message, and its SLA clock while it waits for the team.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.Conversation")]
public sealed record Conversation(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] string? Assignee,
    [property: Id(3)] ConversationStatus Status,
    [property: Id(4)] IReadOnlyList<string> Participants,
    [property: Id(5)] LastMessage? LastMessage,
    [property: Id(6)] DateTimeOffset? WaitingSince,
    [property: Id(7)] DateTimeOffset? SlaDeadline,
    [property: Id(8)] bool Escalated,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>The newest message of a conversation, without its content.</summary>
[GenerateSerializer, Immutable, Alias("realtime.LastMessage")]
public sealed record LastMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string AuthorId,
    [property: Id(2)] bool FromCustomer,
    [property: Id(3)] DateTimeOffset SentAt);
