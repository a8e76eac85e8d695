using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// Every open hub connection of this edge, whatever the hub, with the means to tell it to
/// reconnect: filled by <see cref="DrainTrackingHubFilter"/>, emptied by the drain.
/// </summary>
public sealed class DrainableConnections
{
    private readonly ConcurrentDictionary<string, (HubCallerContext Context, IClientProxy Client)> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public void Add(HubCallerContext context, IClientProxy client) => _connections[context.ConnectionId] = (context, client);

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    public IReadOnlyList<(HubCallerContext Context, IClientProxy Client)> Snapshot() => _connections.Values.ToList();
}
