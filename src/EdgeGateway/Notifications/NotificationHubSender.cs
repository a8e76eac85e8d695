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
                await Task.WhenAll(connections.LiveFor(user, notification.Type)
                    .Select(connectionId => hubContext.Clients.Client(connectionId).SendAsync(RealtimeEvents.Notification, notification, cancellationToken))
                    .ToList());
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

        // Writes to one connection go out in the order they are started, so everything is started
        // before the connection goes live: no live notification can overtake or miss the catch-up.
        var client = hubContext.Clients.Client(connectionId);
        var sends = catchUp.Missed
            .Where(n => subscriber.Wants(n.Type))
            .Select(n => client.SendAsync(RealtimeEvents.Notification, n, cancellationToken))
            .Append(client.SendAsync(RealtimeEvents.NotificationUnread, new UnreadCount(catchUp.UnreadCount), cancellationToken))
            .ToList();
        if (catchUp.GoLive)
        {
            subscriber.GoLive();
        }

        await Task.WhenAll(sends);
    }
}
