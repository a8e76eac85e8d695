using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// /realtime: the main connection. Registers each connection with the user's presence grain,
/// answers ping and presence queries, and records the page the user is on.
/// </summary>
public sealed partial class RealtimeHub(
    IGrainFactory grains,
    EdgeIdentity edge,
    TimeProvider timeProvider,
    ILogger<RealtimeHub> logger) : Hub
{
    public const int MaxPageLength = 512;

    public override async Task OnConnectedAsync()
    {
        var identity = Context.GetIdentity();
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.Workspace(identity.WorkspaceId));
        await Groups.AddToGroupAsync(Context.ConnectionId, EdgeGroups.User(identity.WorkspaceId, identity.UserId));

        await Clients.Caller.SendAsync(
            RealtimeEvents.Connected,
            new ConnectedEvent(Context.ConnectionId, identity.UserId, identity.WorkspaceId, timeProvider.GetUtcNow()));

        await PresenceGrain().Connect(new EdgeConnection(Context.ConnectionId, edge.EdgeId));
        LogConnected(Context.ConnectionId, identity.UserId, identity.WorkspaceId);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        var identity = Context.GetIdentity();
        await PresenceGrain().Disconnect(Context.ConnectionId);
        LogDisconnected(Context.ConnectionId, identity.UserId, identity.WorkspaceId);
    }

    [HubMethodName(RealtimeEvents.Ping)]
    public async Task<PongEvent> Ping()
    {
        var pong = new PongEvent(timeProvider.GetUtcNow());
        await Clients.Caller.SendAsync(RealtimeEvents.Pong, pong);
        return pong;
    }

    [HubMethodName(RealtimeEvents.PageNavigate)]
    public async Task Navigate(PageNavigateRequest request)
    {
        if (string.IsNullOrWhiteSpace(request?.Page) || request.Page.Length > MaxPageLength)
        {
            throw new HubException($"page:navigate needs a page of 1 to {MaxPageLength} characters.");
        }

        await PresenceGrain().Navigate(request.Page);
    }

    // The page is optional on the wire; paging is not applied yet, the whole workspace is listed.
    [HubMethodName(RealtimeEvents.PresenceGet)]
    public async Task<WorkspacePresence> GetPresence(PresencePageRequest? request = null)
    {
        var presence = await grains.GetGrain<IWorkspaceGrain>(Context.GetIdentity().WorkspaceId).GetPresence();
        await Clients.Caller.SendAsync(RealtimeEvents.PresenceList, presence);
        return presence;
    }

    private IUserPresenceGrain PresenceGrain()
    {
        var identity = Context.GetIdentity();
        return grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(identity.WorkspaceId, identity.UserId));
    }

    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} of user {UserId} opened in workspace {WorkspaceId}")]
    private partial void LogConnected(string connectionId, string userId, string workspaceId);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} of user {UserId} closed in workspace {WorkspaceId}")]
    private partial void LogDisconnected(string connectionId, string userId, string workspaceId);
}
