using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Dashboards;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// Base of /dashboard and /metrics: a connection that subscribes gets the latest value of every
/// key at once, then each update, through its own conflating outbox (latest value wins; a slow
/// client never holds up the others).
/// </summary>
public abstract partial class LiveUpdatesHub<THub>(
    IGrainFactory grains,
    EdgeIdentity edge,
    LocalConnections localConnections,
    TimeProvider timeProvider,
    DashboardSubscribers subscribers,
    IHubContext<THub> hubContext,
    IOptions<EdgeOptions> options,
    EdgeMetrics metrics,
    ILogger logger) : PresenceTrackingHub(grains, edge, localConnections, timeProvider)
    where THub : Hub
{
    public const int MaxFilterEntries = 50;

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        subscribers.Unsubscribe(Identity.WorkspaceId, Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    protected async Task<LiveUpdatesSubscribed> SubscribeAsync(RealtimeHubs hub, IReadOnlyList<string>? filter, string field, string replyEvent)
    {
        filter = HubInput.NameFilter(filter, field, MaxFilterEntries, Limits);

        var identity = Identity;
        var context = Context;
        var outbox = DashboardSubscribers.OutboxFor(hubContext, context, options.Value.MaxPendingUpdatesPerConnection, () =>
        {
            LogSlowConsumer(context.ConnectionId, identity.WorkspaceId);
            metrics.RecordSlowConsumerDrop(MetricTags.HubName(hub));
            context.Abort();
        });
        var subscription = new DashboardSubscribers.Subscription(context.ConnectionId, hub, filter?.ToHashSet(StringComparer.Ordinal), outbox);
        subscribers.Subscribe(identity.WorkspaceId, subscription);

        // Live updates may already be arriving: the outbox keeps whichever of the two is newer per key.
        foreach (var update in await Grains.GetGrain<IDashboardGrain>(identity.WorkspaceId).GetLatest())
        {
            if ((update.EventName == RealtimeEvents.MetricsUpdate) == (hub == RealtimeHubs.Metrics) && subscription.Wants(update))
            {
                outbox.Enqueue(update);
            }
        }

        var reply = new LiveUpdatesSubscribed(identity.WorkspaceId, filter);
        await Clients.Caller.SendAsync(replyEvent, reply);
        return reply;
    }

    [LoggerMessage(1, LogLevel.Warning, "Closed slow connection {ConnectionId} of workspace {WorkspaceId}: too many live updates waiting")]
    private partial void LogSlowConsumer(string connectionId, string workspaceId);
}
