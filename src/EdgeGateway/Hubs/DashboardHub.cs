using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>/dashboard: metric, post, analytics, follower and engagement updates of the workspace.</summary>
public sealed class DashboardHub(WorkspaceHubServices services, LiveUpdateSubscriptions<DashboardHub> subscriptions)
    : LiveUpdatesHub<DashboardHub>(services, subscriptions)
{
    /// <summary>Subscribes to the dashboard, optionally for some platforms only.</summary>
    [HubMethodName(RealtimeEvents.DashboardSubscribe)]
    public Task<LiveUpdatesSubscribed> Subscribe(DashboardSubscribeRequest? request = null)
    {
        HubInput.EnsureSameWorkspace(request, Identity);
        return SubscribeAsync(RealtimeHubs.Dashboard, request?.Platforms, "platforms", RealtimeEvents.DashboardSubscribed);
    }
}
