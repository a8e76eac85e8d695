using Microsoft.AspNetCore.SignalR;

namespace Realtime.BareHub;

/// <summary>
/// A stock hub: the connection joins the group named by its query, and hears "connected" when
/// it is in, so the load test knows the same thing it knows of the Orleans edge.
/// </summary>
public sealed class BenchHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var group = Context.GetHttpContext()?.Request.Query["group"].ToString();
        if (!string.IsNullOrEmpty(group))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        await Clients.Caller.SendAsync("connected", new Dictionary<string, string> { ["connectionId"] = Context.ConnectionId });
    }
}
