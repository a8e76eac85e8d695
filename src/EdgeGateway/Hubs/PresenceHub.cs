using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// /presence: status, typing, activity, online list, and what this connection watches. The
/// connection joins the interest groups of what it types in, works on and watches, so that in
/// a large workspace it still gets those users' changes besides the summary.
/// </summary>
public sealed class PresenceHub(WorkspaceHubServices services) : WorkspaceHub(services)
{
    /// <summary>Conversations a connection keeps interest groups for; more are still typed in, just not routed by interest.</summary>
    public const int MaxConversationGroups = 50;

    private static readonly object ResourceGroupKey = new();
    private static readonly object ConversationGroupsKey = new();
    private static readonly object WatchGroupsKey = new();

    /// <summary>
    /// A position passed back says whether the workspace still has everything after it: presence
    /// itself comes as it is now with the connection's first presence event.
    /// </summary>
    protected override RealtimeHubs? RecoveryHub => RealtimeHubs.Presence;

    [HubMethodName(RealtimeEvents.PresenceStatus)]
    public async Task SetStatus(PresenceStatusRequest? request)
    {
        var status = HubInput.Status(HubInput.Require(request, RealtimeEvents.PresenceStatus, Identity).Status);
        await Me.SetStatus(status);
    }

    [HubMethodName(RealtimeEvents.PresenceTyping)]
    public async Task SetTyping(TypingRequest? request)
    {
        var typing = HubInput.Require(request, RealtimeEvents.PresenceTyping, Identity);
        var conversationId = HubInput.Id(typing.ConversationId, "a conversationId", RealtimeEvents.PresenceTyping, Limits);
        var isTyping = typing.IsTyping ?? throw new HubException("presence:typing needs isTyping: true or false.");

        var groups = ItemSet(ConversationGroupsKey);
        var group = InterestGroups.Conversation(conversationId);
        if (groups.Count < MaxConversationGroups && groups.Add(group))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.Interest(Identity.WorkspaceId, group));
        }

        await Me.SetTyping(conversationId, isTyping, Context.ConnectionId);
    }

    [HubMethodName(RealtimeEvents.PresenceActivity)]
    public async Task SetActivity(ActivityRequest? request)
    {
        var activity = HubInput.Require(request, RealtimeEvents.PresenceActivity, Identity);
        var type = HubInput.ActivityType(activity.Type);
        var resourceId = HubInput.Id(activity.ResourceId, "a resourceId", RealtimeEvents.PresenceActivity, Limits);
        var resourceType = HubInput.Id(activity.ResourceType, "a resourceType", RealtimeEvents.PresenceActivity, Limits);

        var group = EdgeGroups.Interest(Identity.WorkspaceId, InterestGroups.Resource(resourceType, resourceId));
        if (Context.Items.TryGetValue(ResourceGroupKey, out var previous) && previous is string previousGroup && previousGroup != group)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, previousGroup);
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        Context.Items[ResourceGroupKey] = group;
        await Me.SetActivity(type, resourceId, resourceType, Context.ConnectionId);
    }

    /// <summary>Online and away members, paged by user id.</summary>
    [HubMethodName(RealtimeEvents.PresenceOnline)]
    public Task<WorkspacePresence> GetOnline(PresencePageRequest? request = null) =>
        ReplyWithPageAsync(request, onlineOnly: true, RealtimeEvents.PresenceOnlineList);

    /// <summary>Replaces the set of users whose changes this connection always gets.</summary>
    [HubMethodName(RealtimeEvents.PresenceWatch)]
    public async Task<WatchAck> Watch(WatchRequest? request)
    {
        var userIds = HubInput.WatchedUsers(HubInput.Require(request, RealtimeEvents.PresenceWatch, Identity).UserIds, Limits);
        var workspaceId = Identity.WorkspaceId;
        var groups = ItemSet(WatchGroupsKey);
        var wanted = userIds.Select(u => EdgeGroups.Interest(workspaceId, InterestGroups.WatchersOf(u))).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in groups.Except(wanted).ToList())
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, stale);
            groups.Remove(stale);
        }

        foreach (var group in wanted.Where(groups.Add))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        var ack = new WatchAck(userIds);
        await Clients.Caller.SendAsync(RealtimeEvents.PresenceWatchAck, ack);
        return ack;
    }

    private HashSet<string> ItemSet(object key)
    {
        if (Context.Items.TryGetValue(key, out var value) && value is HashSet<string> set)
        {
            return set;
        }

        set = new HashSet<string>(StringComparer.Ordinal);
        Context.Items[key] = set;
        return set;
    }
}
