using Realtime.Grains.Inbox;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// `inbox:subscribe`: one conversation, several in one step (a reconnecting client restoring them
/// all, so they all recover), or (neither, or no payload) every conversation of the workspace.
/// </summary>
public sealed record InboxSubscribeRequest(string? ConversationId, IReadOnlyList<string?>? ConversationIds = null) : ClientRequest;

/// <summary>
/// `inbox:subscribed`: what the connection now receives; for one conversation, its current state,
/// for several, theirs in the order asked (<see cref="Conversations"/>).
/// <see cref="Recovered"/>: what the subscription missed since the connection's `recover` position follows.
/// </summary>
public sealed record InboxSubscribed(string WorkspaceId, string? ConversationId, Conversation? Conversation, bool Recovered = false, IReadOnlyList<Conversation>? Conversations = null);

/// <summary>`inbox:typing`.</summary>
public sealed record InboxTypingRequest(string? ConversationId, bool? IsTyping) : ClientRequest;

/// <summary>`inbox:read`: the caller read the conversation up to this message.</summary>
public sealed record InboxReadRequest(string? ConversationId, string? MessageId) : ClientRequest;
