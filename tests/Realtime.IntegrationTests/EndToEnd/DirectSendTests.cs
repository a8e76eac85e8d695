using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Delivery;
using Realtime.EdgeGateway.Hubs;
using Realtime.Grains.Broadcasting;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// The edge's send path over real sockets: WebSocket clients are written to directly, clients on
/// other transports through SignalR as usual, and a broadcast reaches both alike, in order, in both
/// protocols (the official .NET client parses the frames).
/// </summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class DirectSendTests(EmbeddedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_broadcast_reaches_websocket_and_long_polling_clients_in_order()
    {
        var system = fixture.System;
        var manager = (DirectSendHubLifetimeManager<RealtimeHub>)system.EdgeService<HubLifetimeManager<RealtimeHub>>();
        var directBefore = manager.DirectConnections;
        await using var socket = await ConnectAsync("alice", HttpTransportType.WebSockets);
        await using var polling = await ConnectAsync("bob", HttpTransportType.LongPolling);
        await socket.WaitForPresenceAsync("bob", "online");
        await polling.WaitForPresenceAsync("alice", "online");
        Assert.Equal(directBefore + 1, manager.DirectConnections);

        var realtime = new RealtimeService(system.EdgeService<IClusterClient>());
        for (var i = 0; i < 20; i++)
        {
            await realtime.BroadcastToWorkspace(_workspaceId, "bench:tick", new { seq = i, text = new string('x', i * 10) });
        }

        foreach (var client in new[] { socket, polling })
        {
            await client.Events.WaitForAsync(e => e.Name == "bench:tick" && e.Payload.GetProperty("seq").GetInt32() == 19, "the last broadcast");
            var received = client.Events.Snapshot().Where(e => e.Name == "bench:tick").Select(e => e.Payload.GetProperty("seq").GetInt32());
            Assert.Equal(Enumerable.Range(0, 20), received);
        }
    }

    [Fact]
    public async Task With_direct_send_off_the_edge_takes_the_stock_signalr_path()
    {
        await using var stock = await RealtimeSystem.StartEmbeddedAsync(edgeSettings: new Dictionary<string, string?> { ["Edge:DirectSend"] = "false" });
        Assert.IsType<DefaultHubLifetimeManager<RealtimeHub>>(stock.EdgeService<HubLifetimeManager<RealtimeHub>>());
        await using var socket = await ConnectAsync(stock, "alice", HttpTransportType.WebSockets);
        await socket.WaitForPresenceAsync("alice", "online");

        await new RealtimeService(stock.EdgeService<IClusterClient>()).BroadcastToWorkspace(_workspaceId, "bench:tick", new { seq = 1 });

        await socket.Events.WaitForAsync(e => e.Name == "bench:tick", "the broadcast");
    }

    [Fact]
    public async Task A_broadcast_written_in_parallel_chunks_reaches_every_connection_once_and_in_order()
    {
        const int Clients = 40;
        const int Broadcasts = 30;
        await using var chunked = await RealtimeSystem.StartEmbeddedAsync(edgeSettings: new Dictionary<string, string?> { ["Edge:FanOutChunkSize"] = "8" });
        var clients = new TestClient[Clients];
        try
        {
            // Every fifth client on long polling: chunks mix direct and stock writes.
            await Parallel.ForAsync(0, Clients, async (i, _) =>
                clients[i] = await ConnectAsync(chunked, $"user{i:D2}", i % 5 == 0 ? HttpTransportType.LongPolling : HttpTransportType.WebSockets));
            await Task.WhenAll(clients.Select(c => c.WaitForPresenceAsync("user00", "online")));

            var realtime = new RealtimeService(chunked.EdgeService<IClusterClient>());
            for (var i = 0; i < Broadcasts; i++)
            {
                await realtime.BroadcastToWorkspace(_workspaceId, "bench:tick", new { seq = i });
            }

            foreach (var client in clients)
            {
                await client.Events.WaitForAsync(e => e.Name == "bench:tick" && e.Payload.GetProperty("seq").GetInt32() == Broadcasts - 1, "the last broadcast");
                Assert.Equal(Enumerable.Range(0, Broadcasts), client.Events.Snapshot().Where(e => e.Name == "bench:tick").Select(e => e.Payload.GetProperty("seq").GetInt32()));
            }
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private Task<TestClient> ConnectAsync(string userId, HttpTransportType transport) => ConnectAsync(fixture.System, userId, transport);

    private async Task<TestClient> ConnectAsync(RealtimeSystem system, string userId, HttpTransportType transport)
    {
        var token = system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
        var client = await TestClient.ConnectAsync(system.EdgeUrls[0], token, _workspaceId, transport: transport);
        client.Record("bench:tick");
        return client;
    }
}
