using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains;
using Realtime.Grains.Inbox;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// /inbox: live inbox sync. A connection subscribes to every conversation of its workspace or to
/// single conversations, and receives their messages, updates, typing, read receipts and SLA
/// escalations; it types in and reads conversations that exist in its workspace. A whole-inbox
/// subscription replaces the single ones, so that no event reaches a connection twice. A
/// connection opened with the position of the last inbox event it had (`recover`) gets, at its
/// first subscription (the whole inbox, or every conversation it restores in one list), what that
/// subscription missed since, before its live events.
/// </summary>
public sealed class InboxHub(WorkspaceHubServices services) : WorkspaceHub(services)
{
    /// <summary>Single conversations one connection may subscribe to; beyond, subscribe to the whole inbox.</summary>
    public const int MaxConversationSubscriptions = 100;

    private static readonly object SubscriptionKey = new();

    protected override async Task<bool> RecoverAsync(string? recover)
    {
        if (RecoveryPosition.TryParse(recover, Identity.WorkspaceId) is not { } position
            || !await Grains.Workspace(Identity.WorkspaceId).Recovers(position.Epoch, position.Sequence))
        {
            return false;
        }

        Subscription.RecoverFrom = position;
        return true;
    }

    [HubMethodName(RealtimeEvents.InboxSubscribe)]
    public async Task<InboxSubscribed> Subscribe(InboxSubscribeRequest? request = null)
    {
        HubInput.EnsureSameWorkspace(request, Identity);
        if (request?.ConversationIds is { } conversationIds)
        {
            return request.ConversationId is null
                ? await SubscribeToConversationsAsync(ConversationIds(conversationIds), asList: true)
                : throw new HubException("inbox:subscribe takes a conversationId or conversationIds, not both.");
        }

        return request?.ConversationId is null
            ? await SubscribeToWorkspaceAsync()
            : await SubscribeToConversationsAsync([HubInput.Id(request.ConversationId, "a conversationId", RealtimeEvents.InboxSubscribe, Limits)], asList: false);
    }

    [HubMethodName(RealtimeEvents.InboxTyping)]
    public Task Typing(InboxTypingRequest? request)
    {
        var typing = HubInput.Require(request, RealtimeEvents.InboxTyping, Identity);
        var conversationId = HubInput.Id(typing.ConversationId, "a conversationId", RealtimeEvents.InboxTyping, Limits);
        var isTyping = typing.IsTyping ?? throw new HubException("inbox:typing needs isTyping: true or false.");
        return GrainRefusals.AsHubErrors(() => Conversation(conversationId).SetTyping(Identity.UserId, isTyping, Context.ConnectionId));
    }

    /// <summary>The receipt goes to the other subscribers and is the result; the caller gets no event.</summary>
    [HubMethodName(RealtimeEvents.InboxRead)]
    public Task<InboxReadReceipt> Read(InboxReadRequest? request)
    {
        var read = HubInput.Require(request, RealtimeEvents.InboxRead, Identity);
        var conversationId = HubInput.Id(read.ConversationId, "a conversationId", RealtimeEvents.InboxRead, Limits);
        var messageId = HubInput.Id(read.MessageId, "a messageId", RealtimeEvents.InboxRead, Limits);
        return GrainRefusals.AsHubErrors(() => Conversation(conversationId).MarkRead(Identity.UserId, messageId, Context.ConnectionId));
    }

    private async Task<InboxSubscribed> SubscribeToWorkspaceAsync()
    {
        var subscription = Subscription;
        foreach (var conversationId in subscription.Conversations)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(InterestGroups.InboxConversation(conversationId)));
        }

        subscription.Conversations.Clear();
        subscription.WholeInbox = true;
        return await JoinAndReplyAsync(GroupsOf([InterestGroups.Inbox]), recovered => Task.FromResult(Reply(null, null, recovered)));
    }

    /// <summary>One conversation (answered as <c>conversationId</c> and <c>conversation</c>) or, <paramref name="asList"/>, several (<c>conversations</c>).</summary>
    private async Task<InboxSubscribed> SubscribeToConversationsAsync(IReadOnlyList<string> conversationIds, bool asList)
    {
        var joining = Joining(conversationIds);
        var reply = await JoinAndReplyAsync(GroupsOf(joining.Select(InterestGroups.InboxConversation)), async recovered =>
        {
            var states = await Task.WhenAll(conversationIds.Select(StateOfAsync));
            return asList ? Reply(null, null, recovered) with { Conversations = states } : Reply(conversationIds[0], states[0], recovered);
        });
        Subscription.Conversations.UnionWith(joining);
        return reply;
    }

    /// <summary>The conversations the connection is not yet in (none while it has the whole inbox), within the limit.</summary>
    private List<string> Joining(IReadOnlyList<string> conversationIds)
    {
        var subscription = Subscription;
        var joining = subscription.WholeInbox ? [] : conversationIds.Where(id => !subscription.Conversations.Contains(id)).ToList();
        if (subscription.Conversations.Count + joining.Count > MaxConversationSubscriptions)
        {
            throw new HubException($"inbox:subscribe: at most {MaxConversationSubscriptions} conversations per connection; subscribe to the whole inbox instead.");
        }

        return joining;
    }

    private async Task<Conversation> StateOfAsync(string conversationId) =>
        await Conversation(conversationId).Get() ?? throw new HubException($"'{conversationId}' is not a conversation of this workspace.");

    private InboxSubscribed Reply(string? conversationId, Conversation? conversation, bool recovered) =>
        new(Identity.WorkspaceId, conversationId, conversation, recovered);

    /// <summary>The distinct, valid ids of a list subscription, in the order given.</summary>
    private List<string> ConversationIds(IReadOnlyList<string?> conversationIds)
    {
        if (conversationIds.Count is 0 or > MaxConversationSubscriptions)
        {
            throw new HubException($"inbox:subscribe needs conversationIds: 1 to {MaxConversationSubscriptions} conversation ids.");
        }

        return conversationIds.Select(id => HubInput.Id(id, "each of conversationIds", RealtimeEvents.InboxSubscribe, Limits)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Joins <paramref name="groups"/> (none: already in them) before the state is read, so that no
    /// change falls between the two, and answers `inbox:subscribed`. From a recovered position the
    /// groups' events since then are replayed after the answer, before their live ones. A failed
    /// state read leaves the groups.
    /// </summary>
    private async Task<InboxSubscribed> JoinAndReplyAsync(IReadOnlySet<string> groups, Func<bool, Task<InboxSubscribed>> read)
    {
        if (groups.Count > 0 && Subscription.RecoverFrom is { } position)
        {
            // Only the first subscription recovers: a later one's replay would come after live events
            // of the first, and the client's last position must never go back. A client restores all
            // its conversations in that one subscription.
            Subscription.RecoverFrom = null;
            InboxSubscribed? reply = null;
            await RecoverThenJoinAsync(RealtimeHubs.Inbox, groups, position, async recovered =>
            {
                reply = await read(recovered);
                await Clients.Caller.SendAsync(RealtimeEvents.InboxSubscribed, reply);
            });
            return reply!;
        }

        foreach (var group in groups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        try
        {
            var reply = await read(false);
            await Clients.Caller.SendAsync(RealtimeEvents.InboxSubscribed, reply);
            return reply;
        }
        catch
        {
            foreach (var group in groups)
            {
                await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
            }

            throw;
        }
    }

    private HashSet<string> GroupsOf(IEnumerable<string> interestGroups) =>
        interestGroups.Select(Group).ToHashSet(StringComparer.Ordinal);

    private IConversationGrain Conversation(string conversationId) =>
        Grains.GetGrain<IConversationGrain>(RealtimeIds.ConversationInWorkspace(Identity.WorkspaceId, conversationId));

    private string Group(string interestGroup) => EdgeGroups.Interest(Identity.WorkspaceId, interestGroup);

    private InboxSubscription Subscription
    {
        get
        {
            if (Context.Items.TryGetValue(SubscriptionKey, out var value) && value is InboxSubscription subscription)
            {
                return subscription;
            }

            subscription = new InboxSubscription();
            Context.Items[SubscriptionKey] = subscription;
            return subscription;
        }
    }

    /// <summary>What one connection subscribed to. Hub calls of one connection run one at a time.</summary>
    private sealed class InboxSubscription
    {
        public bool WholeInbox { get; set; }

        /// <summary>The position the connection recovers from, at its first subscription.</summary>
        public RecoveryPosition? RecoverFrom { get; set; }

        public HashSet<string> Conversations { get; } = new(StringComparer.Ordinal);
    }
}
