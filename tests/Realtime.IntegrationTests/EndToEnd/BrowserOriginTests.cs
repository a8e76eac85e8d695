using System.Net;
using System.Net.WebSockets;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>Browsers may use the hubs only from the configured origins (Edge:AllowedOrigins).</summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class BrowserOriginTests(EmbeddedSystemFixture fixture)
{
    private const string Workspace = "w-origins";

    [Theory]
    [InlineData(RealtimeSystem.AllowedOrigin, true)]
    [InlineData("https://evil.example.test", false)]
    public async Task Negotiate_preflight_allows_only_configured_origins(string origin, bool allowed)
    {
        using var http = new HttpClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri(fixture.System.EdgeUrls[0], $"/realtime/negotiate?workspaceId={Workspace}"));
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");

        using var response = await http.SendAsync(preflight);

        var allowOrigin = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        Assert.Equal(allowed ? origin : null, allowOrigin);
    }

    [Theory]
    [InlineData(RealtimeSystem.AllowedOrigin, true)]
    [InlineData("https://evil.example.test", false)]
    public async Task WebSocket_upgrade_checks_the_origin(string origin, bool allowed)
    {
        var token = fixture.System.Tokens.Issue("alice", [Workspace], [], TimeSpan.FromMinutes(5));
        var edge = fixture.System.EdgeUrls[0];
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new Uri($"ws://{edge.Authority}/realtime?workspaceId={Workspace}&access_token={token}");

        if (allowed)
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        else
        {
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
            Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        }
    }
}
