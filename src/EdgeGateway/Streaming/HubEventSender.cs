using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// The <see cref="IHubEventSender"/> of hub <typeparamref name="THub"/>. Sends to a workspace's
/// groups pass through <paramref name="recovering"/> (when given), which keeps them for connections still replaying.
/// </summary>
public sealed class HubEventSender<THub>(IHubContext<THub> hubContext, RealtimeHubs hub, ConnectionAnnouncements announcements, RecoveringConnections? recovering = null) : IHubEventSender
    where THub : Hub
{
    public RealtimeHubs Hub { get; } = hub;

    public Task SendAsync(EventAudience audience, string eventName, object payload, CancellationToken cancellationToken)
    {
        if (audience is { ConnectionId: { } joining, Group: { } group })
        {
            var interest = EdgeGroups.Interest(audience.WorkspaceId, group);
            return recovering is not null && announcements.IsRegistering(joining)
                ? SendOnceConnectedThenJoinAsync(audience.WorkspaceId, joining, interest, eventName, payload, cancellationToken)
                : JoinThenSendAsync(joining, interest, eventName, payload, cancellationToken);
        }

        var clients = hubContext.Clients;
        var target = audience switch
        {
            { ConnectionId: { } connectionId } => clients.Client(connectionId),
            { ExceptConnectionId: { } except } => clients.GroupExcept(EdgeGroups.For(audience), except),
            _ => clients.Group(EdgeGroups.For(audience)),
        };

        // A group of a workspace (or of a user in it) may have connections held while they replay what they missed.
        return recovering is not null && audience is { IsEveryone: false, ConnectionId: null }
            ? recovering.SendToGroupAsync(Hub, audience, eventName, payload, () => target.SendAsync(eventName, payload, cancellationToken))
            : target.SendAsync(eventName, payload, cancellationToken);
    }

    private async Task JoinThenSendAsync(string connectionId, string group, string eventName, object payload, CancellationToken cancellationToken)
    {
        // A connection of another hub is unknown to this hub's groups: both calls do nothing then.
        await hubContext.Groups.AddToGroupAsync(connectionId, group, cancellationToken);
        await hubContext.Clients.Client(connectionId).SendAsync(eventName, payload, cancellationToken);
    }

    /// <summary>
    /// A connection still waiting for <c>connected</c> gets the group's first event (its presence
    /// sync) once told, and only then joins the group: the group's events meanwhile, newer than the
    /// sync, are held for it and follow it, never come before <c>connected</c> or the sync.
    /// </summary>
    private async Task SendOnceConnectedThenJoinAsync(string workspaceId, string connectionId, string group, string eventName, object payload, CancellationToken cancellationToken)
    {
        var held = recovering!.Hold(Hub, workspaceId, new HashSet<string>(StringComparer.Ordinal) { group }, connectionId);
        var client = hubContext.Clients.Client(connectionId);
        var sync = Task.CompletedTask;
        try
        {
            await announcements.WhenAnnouncedAsync(connectionId, cancellationToken);
            sync = client.SendAsync(eventName, payload, cancellationToken);
        }
        finally
        {
            if (await recovering.GoLiveAsync(held, hubContext.Groups, client, static _ => true, cancellationToken))
            {
                recovering.LogJoinOverflowed(workspaceId, RecoveringConnections.MaxHeldEvents);
            }
        }

        await sync;
    }
}
