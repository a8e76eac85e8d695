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

    public override async Task OnConnectedAsync()
    {
        var identity = Identity;
        var time = services.Time;
        var joinedAt = time.GetUtcNow();
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.Everyone);
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.Workspace(identity.WorkspaceId));
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.User(identity.WorkspaceId, identity.UserId));

        // Registered before the client hears connected: from then on the workspace knows this edge
        // holds the connection, so nothing published after connected misses it. The grain then sends
        // this connection the workspace's current presence through the edge stream, which also enrols
        // it for the changes that follow (enrolling here instead would let changes still queued on
        // the stream from before the join reach it, out of date); that delivery waits for connected.
        services.Announcements.Registering(Context.ConnectionId);
        try
        {
            await Me.Connect(new EdgeConnection(Context.ConnectionId, services.Edge.EdgeId));
            await Clients.Caller.SendAsync(
                RealtimeEvents.Connected,
                new ConnectedEvent(Context.ConnectionId, identity.UserId, identity.WorkspaceId, time.GetUtcNow()));
        }
        finally
        {
            services.Announcements.Announced(Context.ConnectionId);
        }

        _ = EnrolIfSyncLostAsync(Groups, Context.ConnectionId, EdgeGroups.Presence(identity.WorkspaceId), Context.ConnectionAborted);
        services.LocalConnections.Add(Context.ConnectionId, identity, joinedAt);
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
