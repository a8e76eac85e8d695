using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Dashboards;

/// <summary>
/// The /dashboard and /metrics connections on this edge that subscribed, by workspace, each with
/// its filter and its own <see cref="ConflatingOutbox"/>.
/// </summary>
public sealed class DashboardSubscribers
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Subscription>> _byWorkspace = new(StringComparer.Ordinal);

    public void Subscribe(string workspaceId, Subscription subscription) =>
        _byWorkspace.GetOrAdd(workspaceId, _ => new(StringComparer.Ordinal))[subscription.ConnectionId] = subscription;

    public void Unsubscribe(string workspaceId, string connectionId)
    {
        if (_byWorkspace.TryGetValue(workspaceId, out var subscriptions))
        {
            subscriptions.TryRemove(connectionId, out _);
        }
    }

    /// <summary>Hands the update to every subscription of the workspace on <paramref name="hub"/> that wants it.</summary>
    public int Deliver(RealtimeHubs hub, string workspaceId, DashboardUpdate update)
    {
        if (!_byWorkspace.TryGetValue(workspaceId, out var subscriptions))
        {
            return 0;
        }

        var delivered = 0;
        foreach (var subscription in subscriptions.Values)
        {
            if (subscription.Hub == hub && subscription.Wants(update))
            {
                subscription.Outbox.Enqueue(update);
                delivered++;
            }
        }

        return delivered;
    }

    /// <summary>One connection's subscription: which hub, which platforms or metrics (none: all), its outbox.</summary>
    public sealed class Subscription(string connectionId, RealtimeHubs hub, IReadOnlySet<string>? filter, ConflatingOutbox outbox)
    {
        public string ConnectionId { get; } = connectionId;

        public RealtimeHubs Hub { get; } = hub;

        public ConflatingOutbox Outbox { get; } = outbox;

        public bool Wants(DashboardUpdate update) => filter is null || update switch
        {
            { Payload: MetricsUpdateEvent metric } => filter.Contains(metric.Metric),
            { Platform: { } platform } => filter.Contains(platform),
            _ => true, // updates for no particular platform concern every platform
        };
    }

    /// <summary>An outbox sending to one connection of hub <typeparamref name="THub"/>.</summary>
    public static ConflatingOutbox OutboxFor<THub>(IHubContext<THub> hub, HubCallerContext connection, int maxPendingKeys, Action onOverflow, Action onConflated)
        where THub : Hub
    {
        var client = hub.Clients.Client(connection.ConnectionId);
        return new ConflatingOutbox(update => client.SendAsync(update.EventName, update.Payload, connection.ConnectionAborted), maxPendingKeys, onOverflow, onConflated);
    }
}
