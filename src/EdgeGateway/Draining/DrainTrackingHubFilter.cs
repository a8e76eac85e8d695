using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// Records each accepted connection of every hub for the drain. A connection whose handshake
/// completed as the drain began is sent away like the others, once connected: refusing it here
/// would be an error in OnConnectedAsync, which SignalR reports as a close without leave to
/// reconnect, and the official clients would give up instead of going to another edge.
/// </summary>
public sealed class DrainTrackingHubFilter(EdgeDrainer drainer, DrainableConnections connections, EdgeDrainState drain) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // The hub's client proxy stays valid after OnConnectedAsync: it is the hub context's.
        var client = context.Hub.Clients.Client(context.Context.ConnectionId);
        drainer.Track(context.Context, client);
        await next(context);
        if (drain.IsDraining)
        {
            await drainer.SendAwayAsync(context.Context, client);
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Remove(context.Context.ConnectionId);
        await next(context, exception);
    }
}
