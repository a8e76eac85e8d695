using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Notifications;

/// <summary>
/// Delivery on /notifications: a notification goes to each of the user's live connections here
/// that wants its type; a catch-up is replayed to its one connection, in order, which then goes
/// live. Everything else (read acks) goes as on any hub.
/// </summary>
public sealed class NotificationHubSender(IHubContext<NotificationsHub> hubContext, NotificationConnections connections) : IHubEventSender
{
    private readonly HubEventSender<NotificationsHub> _plain = new(hubContext, RealtimeHubs.Notifications);

    public RealtimeHubs Hub => RealtimeHubs.Notifications;

    public async Task SendAsync(EventAudience audience, string eventName, object payload, CancellationToken cancellationToken)
    {
        switch (payload)
        {
            case Notification notification when audience.UserId is { } userId:
                var user = new ConnectionIdentity(userId, audience.WorkspaceId);
                foreach (var connectionId in connections.LiveFor(user, notification.Type))
                {
                    await hubContext.Clients.Client(connectionId).SendAsync(RealtimeEvents.Notification, notification, cancellationToken);
                }

                break;
            case NotificationCatchUp catchUp when audience.ConnectionId is { } connectionId:
                await CatchUpAsync(connectionId, catchUp, cancellationToken);
                break;
            default:
                await _plain.SendAsync(audience, eventName, payload, cancellationToken);
                break;
        }
    }

    private async Task CatchUpAsync(string connectionId, NotificationCatchUp catchUp, CancellationToken cancellationToken)
    {
        var subscriber = connections.Get(connectionId);
        if (subscriber is null)
        {
            return;
        }

        var client = hubContext.Clients.Client(connectionId);
        foreach (var notification in catchUp.Missed.Where(n => subscriber.Wants(n.Type)))
        {
            await client.SendAsync(RealtimeEvents.Notification, notification, cancellationToken);
        }

        await client.SendAsync(RealtimeEvents.NotificationUnread, new UnreadCount(catchUp.UnreadCount), cancellationToken);
        if (catchUp.GoLive)
        {
            subscriber.GoLive();
        }
    }
}
