using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// Base of /dashboard and /metrics: a connection that subscribes gets the latest value of every
/// key at once, then each update (<see cref="LiveUpdateSubscriptions{THub}"/>). One opened with
/// the position of the last update it had (`recover`) gets, at its first subscription, only the
/// keys that changed since.
/// </summary>
public abstract class LiveUpdatesHub<THub>(WorkspaceHubServices services, LiveUpdateSubscriptions<THub> subscriptions) : WorkspaceHub(services)
    where THub : Hub
{
    public const int MaxFilterEntries = 50;

    private static readonly object RecoverFromKey = new();

    protected override async Task<bool> RecoverAsync(string? recover)
    {
        if (RecoveryPosition.TryParse(recover, Identity.WorkspaceId) is not { } position
            || !await Grains.GetGrain<IDashboardGrain>(Identity.WorkspaceId).Recovers(position.Epoch, position.Sequence))
        {
            return false;
        }

        Context.Items[RecoverFromKey] = position;
        return true;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.Unsubscribe(Identity.WorkspaceId, Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    protected async Task<LiveUpdatesSubscribed> SubscribeAsync(RealtimeHubs hub, IReadOnlyList<string>? filter, string field, string replyEvent)
    {
        filter = HubInput.NameFilter(filter, field, MaxFilterEntries, Limits);
        var workspaceId = Identity.WorkspaceId;
        var from = Context.Items.Remove(RecoverFromKey, out var position) ? (RecoveryPosition?)position : null;
        var recovered = await subscriptions.SubscribeAsync(Context, workspaceId, hub, filter, from);

        var reply = new LiveUpdatesSubscribed(workspaceId, filter, recovered);
        await Clients.Caller.SendAsync(replyEvent, reply);
        return reply;
    }
}
