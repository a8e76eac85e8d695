using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Realtime.Client;

/// <summary>
/// /inbox: messages, conversation updates, typing, read receipts and SLA escalations of the
/// conversations subscribed to (or the whole inbox); subscriptions are renewed after a reconnection.
/// </summary>
public sealed class InboxClient : HubClient
{
    private readonly HashSet<string> _conversations = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _wholeInbox;

    public InboxClient(RealtimeClientOptions options, ILogger<InboxClient>? logger = null)
        : base(options, "inbox", logger)
    {
        On<InboxMessage>("inbox:message", message => Raise(MessageReceived, message));
        On<InboxConversation>("inbox:conversation:update", conversation => Raise(ConversationUpdated, conversation));
        On<InboxTyping>("inbox:typing", typing => Raise(Typing, typing));
        On<InboxReadReceipt>("inbox:read:receipt", receipt => Raise(ReadReceipt, receipt));
        On<InboxSlaEscalation>("inbox:sla:escalation", escalation => Raise(SlaEscalated, escalation));
    }

    public event Action<InboxMessage>? MessageReceived;

    public event Action<InboxConversation>? ConversationUpdated;

    public event Action<InboxTyping>? Typing;

    public event Action<InboxReadReceipt>? ReadReceipt;

    public event Action<InboxSlaEscalation>? SlaEscalated;

    /// <summary>
    /// One conversation, or the whole inbox (null), now (when connected) and after every
    /// reconnection. Answers the conversation as it is now, when connected and there is one.
    /// </summary>
    public async Task<InboxConversation?> SubscribeAsync(string? conversationId = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (conversationId is null)
            {
                _wholeInbox = true;
            }
            else
            {
                _conversations.Add(conversationId);
            }
        }

        return IsConnected ? await SubscribeNowAsync(conversationId, cancellationToken) : null;
    }

    public Task TypingAsync(string conversationId, bool isTyping, CancellationToken cancellationToken = default) =>
        InvokeAsync("inbox:typing", new { conversationId, isTyping }, cancellationToken);

    public Task ReadAsync(string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        InvokeAsync("inbox:read", new { conversationId, messageId }, cancellationToken);

    /// <summary>
    /// In one call, the whole inbox or every conversation: only a connection's first subscription
    /// recovers what it missed.
    /// </summary>
    protected override async Task RenewSubscriptionsAsync(CancellationToken cancellationToken)
    {
        string[] conversationIds;
        bool wholeInbox;
        lock (_lock)
        {
            (wholeInbox, conversationIds) = (_wholeInbox, [.. _conversations]);
        }

        if (wholeInbox)
        {
            await SubscribeNowAsync(null, cancellationToken);
        }
        else if (conversationIds.Length > 0)
        {
            await InvokeAsync<JsonElement>("inbox:subscribe", new { conversationIds }, cancellationToken);
        }
    }

    private async Task<InboxConversation?> SubscribeNowAsync(string? conversationId, CancellationToken cancellationToken)
    {
        var subscribed = await InvokeAsync<JsonElement>("inbox:subscribe", conversationId is null ? null : new { conversationId }, cancellationToken);
        return subscribed.TryGetProperty("conversation", out var conversation) && conversation.ValueKind == JsonValueKind.Object
            ? conversation.Deserialize<InboxConversation>(JsonSerializerOptions.Web)
            : null;
    }
}
