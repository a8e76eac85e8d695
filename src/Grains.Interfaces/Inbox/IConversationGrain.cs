using Orleans.Concurrency;

namespace Realtime.Grains.Inbox;

/// <summary>
/// One conversation of a workspace's inbox: assignee, status, participants, last message and
/// SLA clock, persisted; live typing in memory. Its events go to the workspace's /inbox
/// subscribers and to the subscribers of this conversation. Backend services create and change
/// conversations (any of their calls creates an unknown one); clients may only type in and read
/// conversations that exist. Key: <see cref="RealtimeIds.ConversationInWorkspace"/> ("workspaceId/conversationId").
/// </summary>
[Alias("realtime.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a message and sends `inbox:message`. A customer message starts the wait for a team
    /// reply (and the SLA clock) unless one is running; a team message ends it. A retried call
    /// with the id of the last message is taken once. Throws ArgumentException for a bad draft.
    /// </summary>
    [Alias("AddMessage")]
    Task<InboxMessage> AddMessage(InboxMessageDraft draft);

    /// <summary>Assigns the conversation to a team member (null: nobody) and sends `inbox:conversation:update`.</summary>
    [Alias("Assign")]
    Task<Conversation> Assign(string? assignee);

    /// <summary>Changes the status and sends `inbox:conversation:update`; resolved or closed ends the wait.</summary>
    [Alias("SetStatus")]
    Task<Conversation> SetStatus(ConversationStatus status);

    /// <summary>
    /// A conversation waiting longer than <paramref name="responseTime"/> for a team reply escalates,
    /// once per wait: `inbox:sla:escalation` to the subscribers and an `sla_escalation` notification
    /// to the assignee. Applies to the current wait too.
    /// </summary>
    [Alias("SetSla")]
    Task<Conversation> SetSla(TimeSpan responseTime);

    /// <summary>No SLA any more; a pending escalation is cancelled.</summary>
    [Alias("ClearSla")]
    Task<Conversation> ClearSla();

    /// <summary>The conversation, or null when no backend service ever created it.</summary>
    [Alias("Get"), ReadOnly]
    Task<Conversation?> Get();

    /// <summary>
    /// A team member types (true lapses by itself unless renewed within Inbox:TypingTimeout).
    /// Throws KeyNotFoundException for a conversation that does not exist.
    /// </summary>
    [Alias("SetTyping")]
    Task SetTyping(string userId, bool isTyping, string? sourceConnectionId);

    /// <summary>
    /// A team member read the conversation up to <paramref name="messageId"/>: the receipt goes to
    /// the other subscribers. Throws KeyNotFoundException for a conversation that does not exist.
    /// </summary>
    [Alias("MarkRead")]
    Task<InboxReadReceipt> MarkRead(string userId, string messageId, string? sourceConnectionId);
}
