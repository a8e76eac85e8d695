using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Notifications;

namespace Realtime.EdgeGateway.Notifications;

/// <summary>
/// The /notifications connections on this edge, by user: whether each is live yet (its catch-up
/// barrier has passed), which types it subscribed to (none: all), and how far it has had the
/// user's notifications.
/// </summary>
public sealed class NotificationConnections(IOptions<EdgeOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Subscriber> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ConnectionIdentity, ConcurrentDictionary<string, Subscriber>> _byUser = new();

    /// <summary>A connection that attaches from <paramref name="lastSeenId"/> (null: wants no backlog).</summary>
    public Subscriber Add(string connectionId, ConnectionIdentity identity, string? lastSeenId)
    {
        var subscriber = new Subscriber(connectionId, identity, lastSeenId, timeProvider, options.Value.NotificationAttachTimeout);
        _byConnection[connectionId] = subscriber;
        _byUser.GetOrAdd(identity, _ => new(StringComparer.Ordinal))[connectionId] = subscriber;
        return subscriber;
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

    public IEnumerable<Subscriber> All => _byConnection.Values;

    /// <summary>Connections that have waited longer than the attach timeout for their barrier.</summary>
    public IEnumerable<Subscriber> Stalled => _byConnection.Values.Where(s => s.Stalled);

    /// <summary>The user's connections here.</summary>
    public IEnumerable<Subscriber> Of(ConnectionIdentity user) =>
        _byUser.TryGetValue(user, out var connections) ? connections.Values : [];

    /// <summary>
    /// One connection. Its mark is the sequence of the newest notification it has had (or was
    /// caught up past): anything at or below it is a repeat and is dropped, so attaching again
    /// after a lost stream never delivers a notification twice.
    /// </summary>
    public sealed class Subscriber
    {
        private readonly Lock _gate = new();
        private readonly NotificationIds _ids;
        private readonly TimeProvider _clock;
        private readonly TimeSpan _attachTimeout;
        private volatile bool _live;
        private volatile IReadOnlySet<string>? _types;
        private long? _seenThrough;

        /// <summary>When it last started waiting for a barrier (timestamp of the clock).</summary>
        private long _waitingSince;

        public Subscriber(string connectionId, ConnectionIdentity identity, string? lastSeenId, TimeProvider clock, TimeSpan attachTimeout)
        {
            ConnectionId = connectionId;
            Identity = identity;
            _ids = new NotificationIds(identity.WorkspaceId, identity.UserId);
            _seenThrough = _ids.TryParse(lastSeenId, out var sequence) ? sequence : null;
            _clock = clock;
            _attachTimeout = attachTimeout;
            _waitingSince = clock.GetTimestamp();
        }

        public string ConnectionId { get; }

        public ConnectionIdentity Identity { get; }

        public bool Live => _live;

        /// <summary>Where to attach from again: the id of the newest notification it has had, or null for none wanted.</summary>
        public string? ResumeFromId
        {
            get
            {
                lock (_gate)
                {
                    return _seenThrough is { } sequence ? _ids.Format(sequence) : null;
                }
            }
        }

        /// <summary>Live from now on; everything up to <paramref name="latestId"/> was caught up.</summary>
        public void GoLive(string? latestId)
        {
            lock (_gate)
            {
                var latest = _ids.TryParse(latestId, out var sequence) ? sequence : 0;
                _seenThrough = Math.Max(_seenThrough ?? 0, latest);
                _live = true;
            }
        }

        /// <summary>Stops live delivery until the next catch-up barrier goes live again.</summary>
        public void Suspend()
        {
            Interlocked.Exchange(ref _waitingSince, _clock.GetTimestamp());
            _live = false;
        }

        /// <summary>Waiting for a barrier for longer than the attach timeout: it was lost, attach again.</summary>
        public bool Stalled => !_live && _clock.GetElapsedTime(Interlocked.Read(ref _waitingSince)) >= _attachTimeout;

        /// <summary>Receive only these types from now on (null: all).</summary>
        public void Subscribe(IReadOnlySet<string>? types) => _types = types;

        public bool Wants(string type) => _types is not { } types || types.Contains(type);

        /// <summary>
        /// What to do with <paramref name="notification"/>: send it (new to this connection and of a
        /// wanted type), skip it, or, live, report a gap (an earlier one never arrived), after which the
        /// connection waits for a catch-up.
        /// </summary>
        public NotificationDelivery Take(Notification notification, bool live)
        {
            if (live && !_live)
            {
                // Not taken: the catch-up of the next attach brings it.
                return Stalled ? NotificationDelivery.Gap : NotificationDelivery.Skip;
            }

            lock (_gate)
            {
                if (!_ids.TryParse(notification.Id, out var sequence) || sequence <= (_seenThrough ?? 0))
                {
                    return NotificationDelivery.Skip;
                }

                if (live && sequence > _seenThrough + 1)
                {
                    _live = false;
                    return NotificationDelivery.Gap;
                }

                _seenThrough = sequence;
            }

            return Wants(notification.Type) ? NotificationDelivery.Send : NotificationDelivery.Skip;
        }
    }
}

public enum NotificationDelivery
{
    Send,
    Skip,
    Gap,
}
