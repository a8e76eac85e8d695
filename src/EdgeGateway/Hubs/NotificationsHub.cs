using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Notifications;
using Realtime.Grains;
using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// /notifications: live notifications of the connection's user and workspace, read state,
/// type filters, and recovery. A client that reconnects passes the id of the last notification
/// it saw (`lastNotificationId` query parameter, or `notification:sync` after connecting) and
/// gets every one it missed, in order, once, then the live ones. One that does not starts from
/// the point its handshake completed (see <see cref="NotificationsConnectionHandler"/>).
/// </summary>
public sealed class NotificationsHub(WorkspaceHubServices services, NotificationConnections notificationConnections) : WorkspaceHub(services)
{
    public const string LastNotificationIdQuery = "lastNotificationId";

    private INotificationGrain Notifications => Grains.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(Identity.WorkspaceId, Identity.UserId));

    private bool _resuming;

    public override async Task OnConnectedAsync()
    {
        // Checked first: a refused connection must not have registered anything.
        string? lastSeen = Context.GetHttpContext()?.Request.Query[LastNotificationIdQuery];
        _resuming = !string.IsNullOrEmpty(lastSeen);
        lastSeen = _resuming
            ? HubInput.NotificationId(lastSeen, LastNotificationIdQuery, "connecting to /notifications", Limits)
            : NotificationsConnectionHandler.StartingPointOf(Context);
        await base.OnConnectedAsync();
        notificationConnections.Add(Context.ConnectionId, Identity, lastSeen);
        await GrainRefusals.AsHubErrors(() => Notifications.Attach(Context.ConnectionId, Services.Edge.EdgeId, lastSeen));
    }

    /// <summary>Notifications are kept until read: from the last one a client had, every newer one follows.</summary>
    protected override Task<bool> RecoverAsync(string? recover) => Task.FromResult(_resuming);

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        notificationConnections.Remove(Context.ConnectionId, Identity);
        await Notifications.Detach(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>The ack goes to every connection of the user (other tabs update their count) and is the result.</summary>
    [HubMethodName(RealtimeEvents.NotificationRead)]
    public Task<NotificationReadAck> MarkRead(NotificationReadRequest? request)
    {
        var id = HubInput.NotificationId(
            HubInput.Require(request, RealtimeEvents.NotificationRead, Identity).NotificationId, "notificationId", RealtimeEvents.NotificationRead, Limits);
        return GrainRefusals.AsHubErrors(() => Notifications.MarkRead(id));
    }

    [HubMethodName(RealtimeEvents.NotificationReadAll)]
    public Task<NotificationReadAck> MarkAllRead() => Notifications.MarkAllRead();

    [HubMethodName(RealtimeEvents.NotificationSubscribe)]
    public async Task<NotificationSubscribeAck> Subscribe(NotificationSubscribeRequest? request)
    {
        var types = HubInput.Require(request, RealtimeEvents.NotificationSubscribe, Identity).Types;
        if (types is null || types.Count == 0 || !types.All(NotificationTypes.All.Contains))
        {
            throw new HubException($"notification:subscribe needs types: one or more of {string.Join(", ", NotificationTypes.All.Order(StringComparer.Ordinal))}.");
        }

        var distinct = types.Distinct(StringComparer.Ordinal).ToList();
        notificationConnections.Get(Context.ConnectionId)?.Subscribe(distinct.ToHashSet(StringComparer.Ordinal));
        var ack = new NotificationSubscribeAck(distinct);
        await Clients.Caller.SendAsync(RealtimeEvents.NotificationSubscribeAck, ack);
        return ack;
    }

    [HubMethodName(RealtimeEvents.NotificationSync)]
    public Task Sync(NotificationSyncRequest? request)
    {
        var lastSeen = HubInput.NotificationId(
            HubInput.Require(request, RealtimeEvents.NotificationSync, Identity).LastNotificationId, "lastNotificationId", RealtimeEvents.NotificationSync, Limits);
        return GrainRefusals.AsHubErrors(() => Notifications.Sync(Context.ConnectionId, Services.Edge.EdgeId, lastSeen));
    }

    [HubMethodName(RealtimeEvents.NotificationUnread)]
    public async Task<UnreadCount> GetUnread() => new(await Notifications.GetUnreadCount());
}
