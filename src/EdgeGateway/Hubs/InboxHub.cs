using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains;
using Realtime.Grains.Inbox;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// /inbox: live inbox sync. A connection subscribes to every conversation of its workspace or to
/// single conversations, and receives their messages, updates, typing, read receipts and SLA
/// escalations; it types in and reads conversations that exist in its workspace. A whole-inbox
/// subscription replaces the single ones, so that no event reaches a connection twice.
/// </summary>
public sealed class InboxHub(WorkspaceHubServices services) : WorkspaceHub(services)
{
    /// <summary>Single conversations one connection may subscribe to; beyond, subscribe to the whole inbox.</summary>
    public const int MaxConversationSubscriptions = 100;

    private static readonly object SubscriptionKey = new();

    [HubMethodName(RealtimeEvents.InboxSubscribe)]
    public async Task<InboxSubscribed> Subscribe(InboxSubscribeRequest? request = null)
    {
        HubInput.EnsureSameWorkspace(request, Identity);
        var reply = request?.ConversationId is null
            ? await SubscribeToWorkspaceAsync()
            : await SubscribeToConversationAsync(HubInput.Id(request.ConversationId, "a conversationId", RealtimeEvents.InboxSubscribe, Limits));
        await Clients.Caller.SendAsync(RealtimeEvents.InboxSubscribed, reply);
        return reply;
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
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(InterestGroups.Inbox));
        foreach (var conversationId in subscription.Conversations)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(InterestGroups.InboxConversation(conversationId)));
        }

        subscription.Conversations.Clear();
        subscription.WholeInbox = true;
        return new InboxSubscribed(Identity.WorkspaceId, null, null);
    }

    private async Task<InboxSubscribed> SubscribeToConversationAsync(string conversationId)
    {
        var subscription = Subscription;
        var joins = !subscription.WholeInbox && !subscription.Conversations.Contains(conversationId);
        if (joins && subscription.Conversations.Count >= MaxConversationSubscriptions)
        {
            throw new HubException($"inbox:subscribe: at most {MaxConversationSubscriptions} conversations per connection; subscribe to the whole inbox instead.");
        }

        // Joined before the state is read, so that no change falls between the two.
        var group = Group(InterestGroups.InboxConversation(conversationId));
        if (joins)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        var conversation = await Conversation(conversationId).Get();
        if (conversation is null)
        {
            if (joins)
            {
                await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
            }

            throw new HubException($"'{conversationId}' is not a conversation of this workspace.");
        }

        if (joins)
        {
            subscription.Conversations.Add(conversationId);
        }

        return new InboxSubscribed(Identity.WorkspaceId, conversationId, conversation);
    }

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

        public HashSet<string> Conversations { get; } = new(StringComparer.Ordinal);
    }
}
