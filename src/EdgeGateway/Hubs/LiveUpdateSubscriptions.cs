using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Dashboards;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// The live update subscriptions of one hub's connections (/dashboard or /metrics): each through
/// its own conflating outbox (latest value wins; a slow client never holds up the others), which
/// closes a connection that falls too far behind.
/// </summary>
public sealed partial class LiveUpdateSubscriptions<THub>(
    IGrainFactory grains,
    DashboardSubscribers subscribers,
    IHubContext<THub> hubContext,
    IOptions<EdgeOptions> options,
    EdgeMetrics metrics,
    ILogger<THub> logger)
    where THub : Hub
{
    /// <summary>
    /// Subscribes the connection, then queues the latest value of every key it wants, or, from a
    /// position it recovers, of those changed since; returns whether it recovered.
    /// </summary>
    public async Task<bool> SubscribeAsync(HubCallerContext context, string workspaceId, RealtimeHubs hub, IReadOnlyList<string>? filter, RecoveryPosition? from = null)
    {
        var outbox = DashboardSubscribers.OutboxFor(hubContext, context, options.Value.MaxPendingUpdatesPerConnection, () =>
        {
            LogSlowConsumer(context.ConnectionId, workspaceId);
            metrics.RecordSlowConsumerDrop(MetricTags.HubName(hub));
            context.Abort();
        }, () => metrics.UpdateConflated(hub));
        var subscription = new DashboardSubscribers.Subscription(context.ConnectionId, hub, filter?.ToHashSet(StringComparer.Ordinal), outbox);
        subscribers.Subscribe(workspaceId, subscription);

        // Live updates may already be arriving: the outbox keeps whichever of the two is newer per key.
        var latest = await grains.GetGrain<IDashboardGrain>(workspaceId).GetLatest(from?.Epoch ?? 0, from?.Sequence ?? 0);
        foreach (var update in latest.Updates)
        {
            if ((update.EventName == RealtimeEvents.MetricsUpdate) == (hub == RealtimeHubs.Metrics) && subscription.Wants(update))
            {
                outbox.Enqueue(update);
            }
        }

        return latest.Recovered;
    }

    public void Unsubscribe(string workspaceId, string connectionId) => subscribers.Unsubscribe(workspaceId, connectionId);

    [LoggerMessage(1, LogLevel.Warning, "Closed slow connection {ConnectionId} of workspace {WorkspaceId}: too many live updates waiting")]
    private partial void LogSlowConsumer(string connectionId, string workspaceId);
}
