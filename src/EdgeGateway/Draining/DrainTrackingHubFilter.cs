using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// Records each accepted connection of every hub for the drain, and refuses connections that
/// arrive while draining (the client's reconnect then picks another edge).
/// </summary>
public sealed class DrainTrackingHubFilter(EdgeDrainer drainer, DrainableConnections connections, EdgeDrainState drain) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (drain.IsDraining)
        {
            throw new HubException("This edge is shutting down; reconnect to another one.");
        }

        // The hub's client proxy stays valid after OnConnectedAsync: it is the hub context's.
        drainer.Track(context.Context, context.Hub.Clients.Client(context.Context.ConnectionId));
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Remove(context.Context.ConnectionId);
        await next(context, exception);
    }
}
