using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>The <see cref="IHubEventSender"/> of hub <typeparamref name="THub"/>.</summary>
public sealed class HubEventSender<THub>(IHubContext<THub> hubContext, RealtimeHubs hub) : IHubEventSender
    where THub : Hub
{
    public RealtimeHubs Hub { get; } = hub;

    public Task SendToGroupAsync(string group, string? exceptConnectionId, string eventName, object payload, CancellationToken cancellationToken)
    {
        var clients = exceptConnectionId is null
            ? hubContext.Clients.Group(group)
            : hubContext.Clients.GroupExcept(group, exceptConnectionId);
        return clients.SendAsync(eventName, payload, cancellationToken);
    }
}
