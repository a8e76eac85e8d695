using System.Collections.Concurrent;
using Realtime.EdgeGateway.Identity;

namespace Realtime.EdgeGateway.Presence;

/// <summary>
/// The presence-tracked connections this edge holds right now. The edge is their only witness:
/// it vouches for them with heartbeats and registers them again if the cluster forgot them.
/// It also keeps the connections that ended while their presence grain could not be told (its
/// silo died under the call), until <see cref="DisconnectRetryService"/> has told it.
/// </summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<string, (ConnectionIdentity Identity, DateTimeOffset JoinedAt)> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ConnectionIdentity Identity, DateTimeOffset EndedAt)> _untold = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    /// <summary>Distinct users (per workspace) with a connection here; computed on demand, as for a metrics scrape.</summary>
    public int UserCount => _connections.Values.Select(c => c.Identity).Distinct().Count();

    /// <summary>Adds a connection that joined its workspace's audiences on this edge at <paramref name="joinedAt"/>.</summary>
    public void Add(string connectionId, ConnectionIdentity identity, DateTimeOffset joinedAt) => _connections[connectionId] = (identity, joinedAt);

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    public bool Contains(string connectionId) => _connections.ContainsKey(connectionId);

    /// <summary>A connection that ended without its presence grain taking the news: to be told again.</summary>
    public void EndedUntold(string connectionId, ConnectionIdentity identity, DateTimeOffset endedAt) =>
        _untold[connectionId] = (identity, endedAt);

    public IReadOnlyList<(string ConnectionId, ConnectionIdentity Identity, DateTimeOffset EndedAt)> Untold() =>
        _untold.Select(pair => (pair.Key, pair.Value.Identity, pair.Value.EndedAt)).ToList();

    public void Told(string connectionId) => _untold.TryRemove(connectionId, out _);

    /// <summary>The connections of the workspace that had joined it on this edge by <paramref name="time"/>.</summary>
    public List<string> InWorkspaceBy(string workspaceId, DateTimeOffset time) =>
        _connections
            .Where(pair => pair.Value.JoinedAt <= time && string.Equals(pair.Value.Identity.WorkspaceId, workspaceId, StringComparison.Ordinal))
            .Select(pair => pair.Key)
            .ToList();

    /// <summary>A snapshot grouped by user and workspace, the unit of a presence grain.</summary>
    public IReadOnlyList<(ConnectionIdentity Identity, List<string> ConnectionIds)> ByUser() =>
        _connections
            .GroupBy(pair => pair.Value.Identity)
            .Select(group => (group.Key, group.Select(pair => pair.Key).ToList()))
            .ToList();
}
