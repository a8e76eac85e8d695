using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Limits;

namespace Realtime.IntegrationTests.Security;

/// <summary>Edge:Limits:MaxConnectionsPerUser, over real sockets and HTTP.</summary>
[Trait("Kind", "Integration")]
[Collection(LimitedSystemCollection.Name)]
public sealed class ConnectionLimitTests(LimitedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_user_over_the_connection_limit_is_refused_with_429_while_others_connect()
    {
        var userId = $"tabs-{Guid.NewGuid():N}";
        var token = fixture.Token(userId, _workspaceId);
        var open = new List<TestClient>();
        try
        {
            foreach (var hub in new[] { "/realtime", "/presence", "/dashboard" })
            {
                open.Add(await fixture.ConnectAsync(userId, _workspaceId, hub));
            }

            // Negotiate answers 429 problem+json that says which limit, once the edge holds the three
            // (a client's start() completes at the handshake, just before its hub filters run).
            using var http = new HttpClient { BaseAddress = fixture.System.EdgeUrls[0] };
            using var negotiate = await Eventually.UntilAsync(
                () => http.PostAsync($"/inbox/negotiate?negotiateVersion=1&workspaceId={_workspaceId}&access_token={token}", content: null),
                r => r.StatusCode == HttpStatusCode.TooManyRequests,
                "the edge refuses a fourth connection of the user");
            Assert.Equal("application/problem+json", negotiate.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal($"connection limit: at most {LimitedSystemFixture.MaxConnectionsPerUser} connections per user on this edge.", problem.GetProperty("detail").GetString());

            // The official client fails start() with the status.
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => fixture.ConnectAsync(userId, _workspaceId));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

            // Straight to the WebSocket, skipping negotiation, as the official clients can.
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            var wsUri = new UriBuilder(new Uri(fixture.System.EdgeUrls[0], $"/realtime?workspaceId={_workspaceId}&access_token={token}")) { Scheme = "ws" }.Uri;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(wsUri, CancellationToken.None));
            Assert.Equal(HttpStatusCode.TooManyRequests, socket.HttpStatusCode);

            // Others are not affected, and the user's open connections keep working.
            await using var teammate = await fixture.ConnectAsync($"mate-{Guid.NewGuid():N}", _workspaceId);
            await teammate.Connection.InvokeAsync<JsonElement>("ping");
            await open[0].Connection.InvokeAsync<JsonElement>("ping");

            // Closing one frees its place.
            await open[^1].DisposeAsync();
            open.RemoveAt(open.Count - 1);
            var reopened = await Eventually.UntilAsync(() => TryConnectAsync(userId), c => c is not null, "a closed connection's place is free again");
            open.Add(reopened!);

            Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.ConnectionsPerUser, "realtime") >= 1);
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public void The_limiter_holds_a_permit_per_open_connection_exactly()
    {
        using var limiter = new UserConnectionLimiter(Options.Create(new EdgeLimitsOptions { MaxConnectionsPerUser = 2 }));

        var first = limiter.TryAcquire("u");
        var second = limiter.TryAcquire("u");
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.True(limiter.IsAtLimit("u"));
        Assert.Null(limiter.TryAcquire("u"));
        Assert.NotNull(limiter.TryAcquire("someone-else"));

        first!.Dispose();
        Assert.False(limiter.IsAtLimit("u"));
        Assert.NotNull(limiter.TryAcquire("u"));
    }

    private async Task<TestClient?> TryConnectAsync(string userId)
    {
        try
        {
            return await fixture.ConnectAsync(userId, _workspaceId);
        }
        catch (Exception ex) when (ex.ToString().Contains("429", StringComparison.Ordinal) || (ex as HttpRequestException)?.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // Refused at negotiate or at the WebSocket upgrade: the place is not free yet.
            return null;
        }
    }
}
