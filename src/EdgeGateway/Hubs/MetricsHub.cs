using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>/metrics: analytics metric updates of the workspace.</summary>
public sealed class MetricsHub(WorkspaceHubServices services, LiveUpdateSubscriptions<MetricsHub> subscriptions)
    : LiveUpdatesHub<MetricsHub>(services, subscriptions)
{
    /// <summary>Subscribes to metric updates, optionally for some metrics only.</summary>
    [HubMethodName(RealtimeEvents.MetricsSubscribe)]
    public Task<LiveUpdatesSubscribed> Subscribe(MetricsSubscribeRequest? request = null)
    {
        HubInput.EnsureSameWorkspace(request, Identity);
        return SubscribeAsync(RealtimeHubs.Metrics, request?.Metrics, "metrics", RealtimeEvents.MetricsSubscribed);
    }
}
