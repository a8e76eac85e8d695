using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// Base of /dashboard and /metrics: a connection that subscribes gets the latest value of every
/// key at once, then each update (<see cref="LiveUpdateSubscriptions{THub}"/>).
/// </summary>
public abstract class LiveUpdatesHub<THub>(WorkspaceHubServices services, LiveUpdateSubscriptions<THub> subscriptions) : WorkspaceHub(services)
    where THub : Hub
{
    public const int MaxFilterEntries = 50;

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.Unsubscribe(Identity.WorkspaceId, Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    protected async Task<LiveUpdatesSubscribed> SubscribeAsync(RealtimeHubs hub, IReadOnlyList<string>? filter, string field, string replyEvent)
    {
        filter = HubInput.NameFilter(filter, field, MaxFilterEntries, Limits);
        var workspaceId = Identity.WorkspaceId;
        await subscriptions.SubscribeAsync(Context, workspaceId, hub, filter);

        var reply = new LiveUpdatesSubscribed(workspaceId, filter);
        await Clients.Caller.SendAsync(replyEvent, reply);
        return reply;
    }
}
