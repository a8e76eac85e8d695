using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// The <see cref="IHubEventSender"/> of hub <typeparamref name="THub"/>. A workspace's events pass
/// through <paramref name="recovering"/> (when given), which keeps them for connections still replaying.
/// </summary>
public sealed class HubEventSender<THub>(IHubContext<THub> hubContext, RealtimeHubs hub, ConnectionAnnouncements announcements, RecoveringConnections? recovering = null) : IHubEventSender
    where THub : Hub
{
    public RealtimeHubs Hub { get; } = hub;

    public Task SendAsync(EventAudience audience, string eventName, object payload, CancellationToken cancellationToken)
    {
        if (audience is { ConnectionId: { } joining, Group: { } group })
        {
            return JoinThenSendAsync(joining, EdgeGroups.Interest(audience.WorkspaceId, group), eventName, payload, cancellationToken);
        }

        var clients = hubContext.Clients;
        if (recovering is not null && audience is { IsEveryone: false, UserId: null, Group: null, ConnectionId: null })
        {
            return recovering.SendToWorkspaceAsync(Hub, audience.WorkspaceId, audience.ExceptConnectionId, eventName, payload, () =>
                (audience.ExceptConnectionId is { } except ? clients.GroupExcept(EdgeGroups.For(audience), except) : clients.Group(EdgeGroups.For(audience)))
                    .SendAsync(eventName, payload, cancellationToken));
        }

        var target = audience switch
        {
            { ConnectionId: { } connectionId } => clients.Client(connectionId),
            { ExceptConnectionId: { } except } => clients.GroupExcept(EdgeGroups.For(audience), except),
            _ => clients.Group(EdgeGroups.For(audience)),
        };
        return target.SendAsync(eventName, payload, cancellationToken);
    }

    private async Task JoinThenSendAsync(string connectionId, string group, string eventName, object payload, CancellationToken cancellationToken)
    {
        // A connection of another hub is unknown to this hub's groups: both calls do nothing then.
        await hubContext.Groups.AddToGroupAsync(connectionId, group, cancellationToken);
        await announcements.WhenAnnouncedAsync(connectionId, cancellationToken);
        await hubContext.Clients.Client(connectionId).SendAsync(eventName, payload, cancellationToken);
    }
}
