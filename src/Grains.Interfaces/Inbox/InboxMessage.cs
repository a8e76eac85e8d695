using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.Grains.Inbox;

/// <summary>`inbox:message`: a message added to a conversation, by the customer or by the team.</summary>
[GenerateSerializer, Immutable, Alias("realtime.InboxMessage")]
public sealed record InboxMessage(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] string MessageId,
    [property: Id(3)] string AuthorId,
    [property: Id(4)] bool FromCustomer,
    [property: Id(5)] string Content,
    [property: Id(6)] RawJson? Data,
    [property: Id(7)] DateTimeOffset SentAt,
    [property: Id(8)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>
/// What a backend service provides. <see cref="SentAt"/> defaults to the time the grain takes
/// the message; a customer message starts the wait for a team reply at that time.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.InboxMessageDraft")]
public sealed record InboxMessageDraft(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string AuthorId,
    [property: Id(2)] bool FromCustomer,
    [property: Id(3)] string Content,
    [property: Id(4)] RawJson? Data = null,
    [property: Id(5)] DateTimeOffset? SentAt = null);
