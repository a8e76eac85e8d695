using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Dashboards;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>/dashboard: metric, post, analytics, follower and engagement updates of the workspace.</summary>
public sealed class DashboardHub(
    IGrainFactory grains,
    EdgeIdentity edge,
    LocalConnections localConnections,
    TimeProvider timeProvider,
    DashboardSubscribers subscribers,
    IHubContext<DashboardHub> hubContext,
    IOptions<EdgeOptions> options,
    EdgeMetrics metrics,
    ILogger<DashboardHub> logger)
    : LiveUpdatesHub<DashboardHub>(grains, edge, localConnections, timeProvider, subscribers, hubContext, options, metrics, logger)
{
    /// <summary>Subscribes to the dashboard, optionally for some platforms only.</summary>
    [HubMethodName(RealtimeEvents.DashboardSubscribe)]
    public Task<LiveUpdatesSubscribed> Subscribe(DashboardSubscribeRequest? request = null)
    {
        HubInput.EnsureSameWorkspace(request, Identity);
        return SubscribeAsync(RealtimeHubs.Dashboard, request?.Platforms, "platforms", RealtimeEvents.DashboardSubscribed);
    }
}
