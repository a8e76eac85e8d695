using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Limits;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// A hub whose connections count for presence (/realtime and /presence): each is registered
/// with the user's presence grain, tagged with this edge, and vouched for while it lives.
/// Every method requires <see cref="RealtimePolicies.WorkspaceMember"/> (<see cref="HubMethodPolicyFilter"/>).
/// </summary>
[HubMethodPolicy(RealtimePolicies.WorkspaceMember)]
public abstract class PresenceTrackingHub(
    IGrainFactory grains,
    EdgeIdentity edge,
    LocalConnections localConnections,
    TimeProvider timeProvider) : Hub
{
    /// <summary>How long a joined connection waits for its presence sync before enrolling without it.</summary>
    public static readonly TimeSpan PresenceSyncGrace = TimeSpan.FromSeconds(30);

    protected IGrainFactory Grains => grains;

    protected TimeProvider Time => timeProvider;

    protected EdgeIdentity Edge => edge;

    protected ConnectionIdentity Identity => Context.GetIdentity();

    protected EdgeLimitsOptions Limits => Context.GetLimits();

    protected IUserPresenceGrain Me => grains.UserPresence(Identity);

    public override async Task OnConnectedAsync()
    {
        var identity = Identity;
        var joinedAt = timeProvider.GetUtcNow();
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.Everyone);
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.Workspace(identity.WorkspaceId));
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.User(identity.WorkspaceId, identity.UserId));
        await Clients.Caller.SendAsync(
            RealtimeEvents.Connected,
            new ConnectedEvent(Context.ConnectionId, identity.UserId, identity.WorkspaceId, timeProvider.GetUtcNow()));

        // The grain then sends this connection the workspace's current presence through the edge
        // stream, which also enrols it for the changes that follow: enrolling here instead would let
        // changes still queued on the stream from before the join reach it, out of date.
        await Me.Connect(new EdgeConnection(Context.ConnectionId, edge.EdgeId));
        _ = EnrolIfSyncLostAsync(Groups, Context.ConnectionId, EdgeGroups.Presence(identity.WorkspaceId), Context.ConnectionAborted);
        localConnections.Add(Context.ConnectionId, identity, joinedAt);
    }

    public override Task OnDisconnectedAsync(Exception? exception) =>
        DisconnectRetryService.EndAsync(grains, localConnections, Identity, Context.ConnectionId, timeProvider);

    /// <summary>
    /// Should the presence sync be lost with a failing silo, the connection is enrolled anyway once
    /// any stream backlog from before its join is surely past (enrolling twice changes nothing).
    /// </summary>
    private async Task EnrolIfSyncLostAsync(IGroupManager groups, string connectionId, string presenceGroup, CancellationToken connectionAborted)
    {
        try
        {
            await Task.Delay(PresenceSyncGrace, timeProvider, connectionAborted);
            await groups.AddToGroupAsync(connectionId, presenceGroup, connectionAborted);
        }
        catch (OperationCanceledException)
        {
            // The connection closed first.
        }
    }

    /// <summary>Answers a list request with the reply event and as the invocation result.</summary>
    protected async Task<WorkspacePresence> ReplyWithPageAsync(PresencePageRequest? request, bool onlineOnly, string replyEvent)
    {
        var identity = Identity;
        HubInput.EnsureSameWorkspace(request, identity);
        var page = await grains.Workspace(identity.WorkspaceId).GetPresence(HubInput.PresencePage(request, onlineOnly, Limits));
        await Clients.Caller.SendAsync(replyEvent, page);
        return page;
    }
}
