using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Limits;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// What every hub shares: a connection of a workspace member. It joins the everyone, workspace
/// and user groups, counts for presence (registered with the user's presence grain, tagged with
/// this edge, vouched for while it lives), is then told <c>connected</c>, and every method requires
/// <see cref="RealtimePolicies.WorkspaceMember"/> (<see cref="HubMethodPolicyFilter"/>).
/// </summary>
[HubMethodPolicy(RealtimePolicies.WorkspaceMember)]
public abstract class WorkspaceHub(WorkspaceHubServices services) : Hub
{
    /// <summary>How long a joined connection waits for its presence sync before enrolling without it.</summary>
    public static readonly TimeSpan PresenceSyncGrace = TimeSpan.FromSeconds(30);

    protected WorkspaceHubServices Services => services;

    protected IGrainFactory Grains => services.Grains;

    protected ConnectionIdentity Identity => Context.GetIdentity();

    protected EdgeLimitsOptions Limits => services.Limits;

    protected IUserPresenceGrain Me => services.Grains.UserPresence(Identity);

    /// <summary>How long a replaying connection waits for this edge to receive what the replay covers.</summary>
    public static readonly TimeSpan ReplayCatchUpTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The query parameter that passes back the last <see cref="RecoveryPosition"/> a client received.</summary>
    public const string RecoverParameter = "recover";

    /// <summary>The hub whose workspace feed events a reconnecting client recovers here; null: not the feed's.</summary>
    protected virtual RealtimeHubs? RecoveryHub => null;

    /// <summary>
    /// For hubs that recover from elsewhere than the workspace feed: whether what the client missed
    /// since the position it passed back (<see cref="RecoverParameter"/>) will follow. Called once
    /// the connection is registered, before `connected` says so.
    /// </summary>
    protected virtual Task<bool> RecoverAsync(string? recover) => Task.FromResult(false);

    public override async Task OnConnectedAsync()
    {
        var identity = Identity;
        var joinedAt = services.Time.GetUtcNow();
        await ConnectAsync(identity);
        _ = EnrolIfSyncLostAsync(Groups, Context.ConnectionId, EdgeGroups.Presence(identity.WorkspaceId), Context.ConnectionAborted);
        services.LocalConnections.Add(Context.ConnectionId, identity, joinedAt);
    }

    private async Task ConnectAsync(ConnectionIdentity identity)
    {
        string? recover = Context.GetHttpContext()?.Request.Query[RecoverParameter];
        var position = RecoveryHub is null ? null : RecoveryPosition.TryParse(recover, identity.WorkspaceId);
        // A recovering connection joins its workspace's and its user's groups only once it has had what they missed.
        HashSet<string> recoverable = new(StringComparer.Ordinal) { EdgeGroups.Workspace(identity.WorkspaceId), EdgeGroups.User(identity.WorkspaceId, identity.UserId) };
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.Everyone);
        if (position is null)
        {
            foreach (var group in recoverable)
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, group);
            }
        }

        // Registered before the client hears connected: from then on the workspace knows this edge
        // holds the connection, so nothing published after connected misses it. The grain then sends
        // this connection the workspace's current presence through the edge stream, which also enrols
        // it for the changes that follow (enrolling here instead would let changes still queued on
        // the stream from before the join reach it, out of date); that delivery waits for connected.
        services.Announcements.Registering(Context.ConnectionId);
        try
        {
            await Me.Connect(new EdgeConnection(Context.ConnectionId, services.Edge.EdgeId));
            if (position is not null)
            {
                await RecoverThenJoinAsync(RecoveryHub!.Value, recoverable, position, recovered => SendConnectedAsync(identity, recovered));
            }
            else
            {
                await SendConnectedAsync(identity, await RecoverAsync(recover));
            }
        }
        finally
        {
            // Also when the registration or the recovery failed: nothing waits for it any more.
            services.Announcements.Announced(Context.ConnectionId);
        }
    }

    private async Task SendConnectedAsync(ConnectionIdentity identity, bool recovered)
    {
        await Clients.Caller.SendAsync(
            RealtimeEvents.Connected,
            new ConnectedEvent(Context.ConnectionId, identity.UserId, identity.WorkspaceId, services.Time.GetUtcNow(), recovered));

        // The presence sync waiting for connected goes now, not after a replay: presence is state,
        // apart from the replayed events, and a long replay must not outlast its wait.
        services.Announcements.Announced(Context.ConnectionId);
    }

    /// <summary>
    /// Recovers what the connection missed of the workspace feed's events to <paramref name="groups"/>
    /// on <paramref name="hub"/> since <paramref name="position"/>, then joins the groups. Their live
    /// events are held from before the feed is read; <paramref name="beforeReplay"/> tells the
    /// client whether everything since the position follows; then the replay, then what was held
    /// that the replay did not have, then live events. The connection must be registered with the
    /// workspace already, so that everything after the read reaches this edge.
    /// </summary>
    protected async Task<bool> RecoverThenJoinAsync(RealtimeHubs hub, IReadOnlySet<string> groups, RecoveryPosition position, Func<bool, Task> beforeReplay)
    {
        var workspaceId = Identity.WorkspaceId;
        var held = services.Recovering.Hold(hub, workspaceId, groups, Context.ConnectionId);
        try
        {
            var recovery = await Grains.Workspace(workspaceId).Recover(services.Edge.EdgeId, position.Epoch, position.Sequence);
            await beforeReplay(recovery.Complete);
            await ReplayThenGoLiveAsync(workspaceId, recovery, held);
            return recovery.Complete;
        }
        finally
        {
            if (!held.Released)
            {
                // Failed on the way: nothing is owed to it, and it is in none of the groups.
                services.Recovering.Abandon(held);
            }
        }
    }

    /// <summary>
    /// Sends what the workspace kept for the held connection's groups after its position, then, in
    /// one step, joins the groups and sends what came meanwhile that the replay did not hold.
    /// </summary>
    private async Task ReplayThenGoLiveAsync(string workspaceId, FeedRecovery recovery, HeldConnection held)
    {
        foreach (var evt in recovery.Events.Where(e => (e.Hubs & held.Hub) != 0))
        {
            if (evt.Deliveries.FirstOrDefault(d => held.Groups.Contains(EdgeGroups.For(d.Audience))) is { } delivery)
            {
                await Clients.Caller.SendAsync(evt.EventName, delivery.Payload);
            }
        }

        // What the feed had sent this edge when the replay was read may still be on its way here:
        // the connection stays held until it has come (and been held, or dropped as replayed).
        if (!await services.Feeds.WhenDeliveredAsync(workspaceId, recovery.EdgeHead.Epoch, recovery.EdgeHead.Sequence, ReplayCatchUpTimeout, Context.ConnectionAborted))
        {
            services.Recovering.LogReplayCatchUpTimedOut(workspaceId);
        }

        // Held events the replay already had are dropped, by their position in the feed.
        var overflowed = await services.Recovering.GoLiveAsync(held, Groups, Clients.Caller, payload =>
            !recovery.Complete || RecoveryPosition.ReadFrom(payload, workspaceId) is not { } position || position.Sequence > recovery.Through);
        if (overflowed)
        {
            // Some live events could not be held: the client reconnects with the last position it got.
            Context.Abort();
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception) =>
        DisconnectRetryService.EndAsync(services.Grains, services.LocalConnections, Identity, Context.ConnectionId, services.Time);

    /// <summary>
    /// Should the presence sync be lost with a failing silo, the connection is enrolled anyway once
    /// any stream backlog from before its join is surely past (enrolling twice changes nothing).
    /// </summary>
    private async Task EnrolIfSyncLostAsync(IGroupManager groups, string connectionId, string presenceGroup, CancellationToken connectionAborted)
    {
        try
        {
            await Task.Delay(PresenceSyncGrace, services.Time, connectionAborted);
            await groups.AddToGroupAsync(connectionId, presenceGroup, connectionAborted);
        }
        catch (OperationCanceledException)
        {
            // The connection closed first.
        }
    }

    /// <summary>Answers a presence list request with the reply event and as the invocation result.</summary>
    protected async Task<WorkspacePresence> ReplyWithPageAsync(PresencePageRequest? request, bool onlineOnly, string replyEvent)
    {
        var identity = Identity;
        HubInput.EnsureSameWorkspace(request, identity);
        var page = await Grains.Workspace(identity.WorkspaceId).GetPresence(HubInput.PresencePage(request, onlineOnly, Limits));
        await Clients.Caller.SendAsync(replyEvent, page);
        return page;
    }
}
