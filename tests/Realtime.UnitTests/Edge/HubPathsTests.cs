using Microsoft.AspNetCore.Http;
using Realtime.EdgeGateway.Hubs;

namespace Realtime.UnitTests.Edge;

/// <summary>
/// Which requests are a hub's WebSocket: the edge skips the middleware that has nothing to do for
/// them (they last as long as the connection), and must never skip it for the HTTP API.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class HubPathsTests
{
    [Theory]
    [InlineData("/realtime", "websocket", true)]
    [InlineData("/Inbox", "WebSocket", true)]
    [InlineData("/notifications", "websocket", true)]
    [InlineData("/realtime/negotiate", null, false)]
    [InlineData("/realtime", null, false)]
    [InlineData("/realtimex", "websocket", false)]
    [InlineData("/api/workspaces/w1/broadcast", "websocket", false)]
    [InlineData("/", "websocket", false)]
    public void A_hub_websocket_is_a_hub_path_with_a_websocket_upgrade(string path, string? upgrade, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (upgrade is not null)
        {
            context.Request.Headers.Upgrade = upgrade;
        }

        Assert.Equal(expected, HubPaths.IsWebSocket(context));
    }

    [Fact]
    public void The_hub_of_a_path_is_found_by_whole_segments()
    {
        Assert.Equal(HubPaths.Presence, HubPaths.Of("/presence/negotiate"));
        Assert.Equal(HubPaths.Metrics, HubPaths.Of("/METRICS"));
        Assert.Null(HubPaths.Of("/presences"));
        Assert.Null(HubPaths.Of("/api/presence"));
    }
}
