using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;
using Realtime.Grains.Webhooks;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Inbox;

/// <summary>
/// One conversation of a workspace's inbox. Backend services add messages, assign it, change its
/// status and set its SLA; team members' clients type in it and read it. Every event goes, one
/// stream message per edge, to the edges holding the workspace's connections, addressed to the
/// /inbox subscribers of the whole workspace and to those of this conversation (an edge
/// connection is in one of the two groups at most, so it gets each event once).
/// The SLA clock is in ConversationGrain.Sla.cs.
/// </summary>
public sealed partial class ConversationGrain(
    [PersistentState("conversation", StorageNames.Realtime)] IPersistentState<ConversationState> state,
    IOptions<InboxOptions> options,
    WebhookEvents webhooks,
    TimeProvider timeProvider,
    ILogger<ConversationGrain> logger) : Grain, IConversationGrain, IRemindable
{
    private readonly InboxOptions _options = options.Value;

    /// <summary>Team members typing here: when each indicator lapses, and the connection typing. In memory: it lives seconds.</summary>
    private readonly Dictionary<string, (DateTimeOffset Until, string? ConnectionId)> _typing = new(StringComparer.Ordinal);

    private string _workspaceId = "";
    private string _conversationId = "";
    private IGrainTimer? _typingTimer;

    private ConversationState State => state.State;

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_workspaceId, _conversationId) = RealtimeIds.ParseUserInWorkspace(this.GetPrimaryKeyString());

        // The timer died with the previous activation, the persisted deadline did not; the reminder
        // is asserted again in case that activation died between writing the deadline and registering it.
        if (SlaWorkPending)
        {
            await UpdateSlaScheduleAsync();
        }
    }

    public async Task<InboxMessage> AddMessage(InboxMessageDraft draft)
    {
        InboxMessageRules.EnsureValid(draft);
        var message = new InboxMessage(_workspaceId, _conversationId, draft.MessageId, draft.AuthorId, draft.FromCustomer, draft.Content, draft.Data, draft.SentAt ?? Now);
        if (State.LastMessage is { } last && string.Equals(last.MessageId, message.MessageId, StringComparison.Ordinal))
        {
            // A retried call: taken once, and answered as the first time.
            return message with { SentAt = last.SentAt };
        }

        Touch();
        State.LastMessage = new LastMessage(message.MessageId, message.AuthorId, message.FromCustomer, message.SentAt);
        (DateTimeOffset Until, string? ConnectionId) typing = default;
        var stoppedTyping = false;
        if (message.FromCustomer)
        {
            StartWaiting(message.SentAt);
        }
        else
        {
            AddParticipant(message.AuthorId);
            StopWaiting();

            // Sending ends typing; the others should not see the author typing on.
            stoppedTyping = _typing.Remove(message.AuthorId, out typing);
        }

        await state.WriteStateAsync();
        await UpdateSlaScheduleAsync();
        await PublishAsync(RealtimeEvents.InboxMessage, message);
        if (stoppedTyping)
        {
            await PublishAsync(RealtimeEvents.InboxTyping, new InboxTyping(message.AuthorId, _conversationId, false), typing.ConnectionId);
        }

        return message;
    }

    public async Task<Conversation> Assign(string? assignee)
    {
        if (assignee is not null)
        {
            RealtimeIds.EnsureValid(assignee);
            AddParticipant(assignee);
        }

        Touch();
        State.Assignee = assignee;
        return await SaveAndPublishUpdateAsync();
    }

    public async Task<Conversation> SetStatus(ConversationStatus status)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Not a conversation status.");
        }

        Touch();
        State.Status = status;
        if (status is ConversationStatus.Resolved or ConversationStatus.Closed)
        {
            StopWaiting();
        }

        return await SaveAndPublishUpdateAsync();
    }

    public async Task<Conversation> SetSla(TimeSpan responseTime)
    {
        InboxMessageRules.EnsureValidSla(responseTime);
        Touch();
        State.Sla = responseTime;
        State.SlaDeadline = State.WaitingSince + responseTime;
        return await SaveAndPublishUpdateAsync();
    }

    public async Task<Conversation> ClearSla()
    {
        Touch();
        State.Sla = null;
        State.SlaDeadline = null;
        return await SaveAndPublishUpdateAsync();
    }

    public Task<Conversation?> Get() => Task.FromResult(State.CreatedAt is null ? null : Snapshot());

    public async Task SetTyping(string userId, bool isTyping, string? sourceConnectionId)
    {
        EnsureExists();
        bool changed;
        if (isTyping)
        {
            changed = !_typing.ContainsKey(userId);
            _typing[userId] = (Now + _options.TypingTimeout, sourceConnectionId);
            _typingTimer ??= this.RegisterGrainTimer(ExpireTypingAsync, _options.TypingTimeout / 4, _options.TypingTimeout / 4);
        }
        else
        {
            changed = _typing.Remove(userId);
        }

        // Renewals are not news; only starting and stopping are.
        if (changed)
        {
            await PublishAsync(RealtimeEvents.InboxTyping, new InboxTyping(userId, _conversationId, isTyping), sourceConnectionId);
        }
    }

    public async Task<InboxReadReceipt> MarkRead(string userId, string messageId, string? sourceConnectionId)
    {
        EnsureExists();
        var receipt = new InboxReadReceipt(_conversationId, messageId, userId, Now);
        await PublishAsync(RealtimeEvents.InboxReadReceipt, receipt, sourceConnectionId);
        return receipt;
    }

    private void EnsureExists()
    {
        if (State.CreatedAt is null)
        {
            // Also what a conversation of another workspace looks like from here: the key holds the workspace.
            throw new KeyNotFoundException($"'{_conversationId}' is not a conversation of this workspace.");
        }
    }

    private void Touch()
    {
        State.CreatedAt ??= Now;
        State.UpdatedAt = Now;
    }

    private void AddParticipant(string userId)
    {
        if (!State.Participants.Contains(userId, StringComparer.Ordinal))
        {
            State.Participants.Add(userId);
        }
    }

    private async Task<Conversation> SaveAndPublishUpdateAsync()
    {
        await state.WriteStateAsync();
        await UpdateSlaScheduleAsync();
        var conversation = Snapshot();
        await PublishAsync(RealtimeEvents.InboxConversationUpdate, conversation);
        return conversation;
    }

    private Conversation Snapshot() => new(
        _workspaceId,
        _conversationId,
        State.Assignee,
        State.Status,
        [.. State.Participants],
        State.LastMessage,
        State.WaitingSince,
        State.SlaDeadline,
        State.Escalated,
        State.UpdatedAt);

    private async Task ExpireTypingAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        foreach (var (userId, typing) in _typing.Where(pair => pair.Value.Until <= now).ToList())
        {
            // Like the true it ends, the false goes to the others only.
            _typing.Remove(userId);
            await PublishAsync(RealtimeEvents.InboxTyping, new InboxTyping(userId, _conversationId, false), typing.ConnectionId);
        }

        if (_typing.Count == 0)
        {
            _typingTimer?.Dispose();
            _typingTimer = null;
        }
    }

    /// <summary>
    /// To the workspace's inbox subscribers and this conversation's, optionally minus the connection
    /// that caused it, through the workspace's feed: in order with the workspace's other events,
    /// repaired when lost on the way, and (but typing) recovered by clients after a disconnect.
    /// </summary>
    private Task PublishAsync(string eventName, object payload, string? exceptConnectionId = null) =>
        GrainFactory.GetGrain<IWorkspaceGrain>(_workspaceId).PublishInbox(eventName, _conversationId, payload, exceptConnectionId, recoverable: eventName != RealtimeEvents.InboxTyping);
}
