using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Dashboards;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>/metrics: analytics metric updates of the workspace.</summary>
public sealed class MetricsHub(
    IGrainFactory grains,
    EdgeIdentity edge,
    LocalConnections localConnections,
    TimeProvider timeProvider,
    DashboardSubscribers subscribers,
    IHubContext<MetricsHub> hubContext,
    IOptions<EdgeOptions> options,
    EdgeMetrics metrics,
    ILogger<MetricsHub> logger)
    : LiveUpdatesHub<MetricsHub>(grains, edge, localConnections, timeProvider, subscribers, hubContext, options, metrics, logger)
{
    /// <summary>Subscribes to metric updates, optionally for some metrics only.</summary>
    [HubMethodName(RealtimeEvents.MetricsSubscribe)]
    public Task<LiveUpdatesSubscribed> Subscribe(MetricsSubscribeRequest? request = null)
    {
        HubInput.EnsureSameWorkspace(request, Identity);
        return SubscribeAsync(RealtimeHubs.Metrics, request?.Metrics, "metrics", RealtimeEvents.MetricsSubscribed);
    }
}
