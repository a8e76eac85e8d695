using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>/realtime: the main connection. Ping, the page the user is on, the workspace's presence.</summary>
public sealed class RealtimeHub(WorkspaceHubServices services) : WorkspaceHub(services)
{
    /// <summary>The workspace's broadcasts are recovered after a brief disconnect.</summary>
    protected override RealtimeHubs? RecoveryHub => RealtimeHubs.Realtime;

    [HubMethodName(RealtimeEvents.Ping)]
    public async Task<PongEvent> Ping()
    {
        var pong = new PongEvent(Services.Time.GetUtcNow());
        await Clients.Caller.SendAsync(RealtimeEvents.Pong, pong);
        return pong;
    }

    [HubMethodName(RealtimeEvents.PageNavigate)]
    public async Task Navigate(PageNavigateRequest? request)
    {
        var page = HubInput.Page(HubInput.Require(request, RealtimeEvents.PageNavigate, Identity).Page, Limits);
        await Me.Navigate(page);
    }

    /// <summary>Every member seen in the workspace, paged by user id.</summary>
    [HubMethodName(RealtimeEvents.PresenceGet)]
    public Task<WorkspacePresence> GetPresence(PresencePageRequest? request = null) =>
        ReplyWithPageAsync(request, onlineOnly: false, RealtimeEvents.PresenceList);
}
