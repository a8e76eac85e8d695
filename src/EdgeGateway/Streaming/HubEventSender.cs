using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>The <see cref="IHubEventSender"/> of hub <typeparamref name="THub"/>.</summary>
public sealed class HubEventSender<THub>(IHubContext<THub> hubContext, RealtimeHubs hub) : IHubEventSender
    where THub : Hub
{
    public RealtimeHubs Hub { get; } = hub;

    public Task SendToGroupAsync(string group, string eventName, object payload, CancellationToken cancellationToken) =>
        hubContext.Clients.Group(group).SendAsync(eventName, payload, cancellationToken);
}
