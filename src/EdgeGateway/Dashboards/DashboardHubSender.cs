using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Dashboards;

/// <summary>Delivery on /dashboard or /metrics: each update into the outboxes of the subscribed connections.</summary>
public sealed class DashboardHubSender(RealtimeHubs hub, DashboardSubscribers subscribers) : IHubEventSender
{
    public RealtimeHubs Hub { get; } = hub;

    public Task SendAsync(EventAudience audience, string eventName, object payload, CancellationToken cancellationToken)
    {
        if (payload is DashboardUpdate update)
        {
            subscribers.Deliver(Hub, audience.WorkspaceId, update);
        }

        return Task.CompletedTask;
    }
}
