using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.EdgeGateway.Draining;
using Realtime.Grains.Streaming;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// A draining edge, over real sockets: its clients are told to reconnect and closed, and it takes
/// no new connection on any hub or transport (503), so clients and load balancers go elsewhere.
/// Its own system: a drain cannot be undone.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class EdgeDrainRefusalTests : IAsyncLifetime
{
    private const string WorkspaceId = "drain-ws";

    private RealtimeSystem _system = null!;

    public async Task InitializeAsync() => _system = await RealtimeSystem.StartEmbeddedAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task The_official_clients_automatic_reconnect_takes_over_when_an_edge_drains()
    {
        var token = _system.Tokens.Issue("alice", [WorkspaceId], ["member"], TimeSpan.FromMinutes(5));
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_system.EdgeUrls[0], $"/realtime?workspaceId={WorkspaceId}"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect([TimeSpan.FromSeconds(30)])
            .Build();
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnecting += _ =>
        {
            reconnecting.TrySetResult();
            return Task.CompletedTask;
        };
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync();

        await _system.EdgeService<EdgeDrainer>().DrainAsync();

        // The close allows reconnecting, so the client retries (elsewhere, behind a load balancer)
        // instead of treating it as the server's final word.
        var first = await Task.WhenAny(reconnecting.Task, closed.Task).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(reconnecting.Task, first);
        Assert.Equal(HubConnectionState.Reconnecting, connection.State);
    }

    [Fact]
    public async Task A_draining_edge_closes_its_clients_and_refuses_new_connections_with_503()
    {
        var token = _system.Tokens.Issue("alice", [WorkspaceId], ["member"], TimeSpan.FromMinutes(5));
        await using var open = await TestClient.ConnectAsync(_system.EdgeUrls[0], token, WorkspaceId);
        open.Record(RealtimeEvents.Reconnect);
        await open.WaitForPresenceAsync("alice", "online");
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        open.Connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        await _system.EdgeService<EdgeDrainer>().DrainAsync();

        var told = await open.Events.WaitForAsync(e => e.Name == RealtimeEvents.Reconnect, "the reconnect event");
        Assert.Equal(EdgeDrainer.ShutdownReason, told.Payload.GetProperty("reason").GetString());
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var http = new HttpClient { BaseAddress = _system.EdgeUrls[0] };
        foreach (var hub in new[] { "/realtime", "/presence", "/notifications", "/dashboard", "/metrics", "/inbox" })
        {
            using var negotiate = await http.PostAsync($"{hub}/negotiate?negotiateVersion=1&workspaceId={WorkspaceId}&access_token={token}", content: null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, negotiate.StatusCode);
        }

        // Straight to the WebSocket, skipping negotiation, as the official clients can.
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var wsUri = new UriBuilder(new Uri(_system.EdgeUrls[0], $"/realtime?workspaceId={WorkspaceId}&access_token={token}")) { Scheme = "ws" }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(wsUri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, socket.HttpStatusCode);

        var client = TestClient.Build(_system.EdgeUrls[0], "/realtime", WorkspaceId, token);
        await using (client)
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.StartAsync());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        using var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
