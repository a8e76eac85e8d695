using System.Collections.Concurrent;
using Realtime.EdgeGateway.Identity;

namespace Realtime.EdgeGateway.Notifications;

/// <summary>
/// The /notifications connections on this edge, by user: whether each is live yet (its catch-up
/// barrier has passed) and which types it subscribed to (none: all).
/// </summary>
public sealed class NotificationConnections
{
    private readonly ConcurrentDictionary<string, Subscriber> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ConnectionIdentity, ConcurrentDictionary<string, Subscriber>> _byUser = new();

    public void Add(string connectionId, ConnectionIdentity identity)
    {
        var subscriber = new Subscriber(connectionId);
        _byConnection[connectionId] = subscriber;
        _byUser.GetOrAdd(identity, _ => new(StringComparer.Ordinal))[connectionId] = subscriber;
    }

    public void Remove(string connectionId, ConnectionIdentity identity)
    {
        _byConnection.TryRemove(connectionId, out _);
        if (_byUser.TryGetValue(identity, out var connections))
        {
            connections.TryRemove(connectionId, out _);
        }
    }

    public Subscriber? Get(string connectionId) => _byConnection.GetValueOrDefault(connectionId);

    /// <summary>The user's connections here that are live and want <paramref name="type"/>.</summary>
    public IEnumerable<string> LiveFor(ConnectionIdentity user, string type) =>
        _byUser.TryGetValue(user, out var connections)
            ? connections.Values.Where(s => s.Live && s.Wants(type)).Select(s => s.ConnectionId)
            : [];

    public sealed class Subscriber(string connectionId)
    {
        private volatile bool _live;
        private volatile IReadOnlySet<string>? _types;

        public string ConnectionId { get; } = connectionId;

        public bool Live => _live;

        public void GoLive() => _live = true;

        /// <summary>Receive only these types from now on (null: all).</summary>
        public void Subscribe(IReadOnlySet<string>? types) => _types = types;

        public bool Wants(string type) => _types is not { } types || types.Contains(type);
    }
}
