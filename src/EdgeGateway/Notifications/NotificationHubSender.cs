using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Notifications;

/// <summary>
/// Delivery on /notifications: a notification goes to each of the user's live connections here
/// that has not had it and wants its type; a catch-up is replayed to its one connection, in order,
/// which then goes live. Everything else (read acks) goes as on any hub.
/// </summary>
public sealed partial class NotificationHubSender(
    IHubContext<NotificationsHub> hubContext,
    NotificationConnections connections,
    NotificationReattachment reattachment,
    ConnectionAnnouncements announcements,
    ILogger<NotificationHubSender> logger) : IHubEventSender
{
    private readonly HubEventSender<NotificationsHub> _plain = new(hubContext, RealtimeHubs.Notifications, announcements);

    public RealtimeHubs Hub => RealtimeHubs.Notifications;

    public async Task SendAsync(EventAudience audience, string eventName, object payload, CancellationToken cancellationToken)
    {
        switch (payload)
        {
            case Notification notification when audience.UserId is { } userId:
                await DeliverLiveAsync(new ConnectionIdentity(userId, audience.WorkspaceId), notification, cancellationToken);
                break;
            case NotificationCatchUp catchUp when audience.ConnectionId is { } connectionId:
                await CatchUpAsync(connectionId, catchUp, cancellationToken);
                break;
            default:
                await _plain.SendAsync(audience, eventName, payload, cancellationToken);
                break;
        }
    }

    private Task DeliverLiveAsync(ConnectionIdentity user, Notification notification, CancellationToken cancellationToken)
    {
        var sends = new List<Task>();
        foreach (var subscriber in connections.Of(user))
        {
            var delivery = subscriber.Take(notification, live: true);
            LogLive(notification.Id, subscriber.ConnectionId, delivery);
            switch (delivery)
            {
                case NotificationDelivery.Send:
                    sends.Add(hubContext.Clients.Client(subscriber.ConnectionId).SendAsync(RealtimeEvents.Notification, notification, cancellationToken));
                    break;
                case NotificationDelivery.Gap:
                    // An earlier notification, or the connection's attach barrier, was lost on the way
                    // (a silo restarting): this one and the lost ones come, in order, in the catch-up
                    // of attaching again.
                    sends.Add(reattachment.ReattachAsync(subscriber));
                    break;
            }
        }

        return Task.WhenAll(sends);
    }

    private async Task CatchUpAsync(string connectionId, NotificationCatchUp catchUp, CancellationToken cancellationToken)
    {
        var subscriber = connections.Get(connectionId);
        LogCatchUp(connectionId, catchUp.Missed.Count, catchUp.GoLive, subscriber is not null);
        if (subscriber is null)
        {
            return;
        }

        // Writes to one connection go out in the order they are started, so everything is started
        // before the connection goes live: no live notification can overtake or miss the catch-up.
        // An attach's catch-up skips what the connection already had (it may attach again after a
        // lost stream); a sync's is what the client asked for, sent as asked.
        var client = hubContext.Clients.Client(connectionId);
        var sends = catchUp.Missed
            .Where(n => catchUp.GoLive ? subscriber.Take(n, live: false) == NotificationDelivery.Send : subscriber.Wants(n.Type))
            .Select(n => client.SendAsync(RealtimeEvents.Notification, n, cancellationToken))
            .Append(client.SendAsync(RealtimeEvents.NotificationUnread, new UnreadCount(catchUp.UnreadCount), cancellationToken))
            .ToList();
        if (catchUp.GoLive)
        {
            subscriber.GoLive(catchUp.LatestId);
        }

        await Task.WhenAll(sends);
    }

    [LoggerMessage(1, LogLevel.Debug, "Notification {NotificationId} for connection {ConnectionId}: {Delivery}")]
    private partial void LogLive(string notificationId, string connectionId, NotificationDelivery delivery);

    [LoggerMessage(2, LogLevel.Debug, "Catch-up of {Missed} notifications for connection {ConnectionId} (goes live: {GoLive}, connection still here: {Known})")]
    private partial void LogCatchUp(string connectionId, int missed, bool goLive, bool known);
}
