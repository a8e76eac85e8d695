using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Inbox;
using Realtime.Grains.Streaming;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// One user's /realtime, /inbox and /dashboard connections, through a loopback balancer to one
/// edge, are cut at the network (reset, no close) while 200 events of every kind flow: workspace
/// broadcasts, inbox messages and dashboard updates. Each hub comes back on the other edge with
/// the last position it received, and together the connections got all 200, each hub in the
/// order they were sent, none twice.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class MixedRecoveryTests : IAsyncLifetime
{
    private const string EventName = "test:mixed";
    private const int Events = 200;

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private RealtimeSystem _system = null!;

    private IClusterClient Client => _system.EdgeService<IClusterClient>();

    public async Task InitializeAsync() => _system = await RealtimeSystem.StartEmbeddedAsync(edgeCount: 2);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Two_hundred_events_of_every_kind_sent_around_a_network_cut_arrive_on_the_other_edge_in_order_once()
    {
        await new InboxService(Client).AddCustomerMessage(_workspaceId, "c1", "m0", "customer", "the conversation starts");
        await using var balancer = new LoopbackBalancer([_system.EdgeUrls[0]]);
        var before = await ConnectAllAsync(balancer.Url, recover: null);

        await SendAsync(1, 60);
        await WaitForLastAsync(before, 60);
        Assert.True(balancer.CutAll() >= 6, "the three WebSockets cut, both ways");
        await Task.WhenAll(before.Select(c => Eventually.UntilAsync(() => Task.FromResult(c.Connection.State), s => s == HubConnectionState.Disconnected, "the cut seen by the client")));

        await SendAsync(61, 140);
        var after = await ConnectAllAsync(_system.EdgeUrls[1], recover: before.Select(LastPosition).ToArray());
        Assert.All(after, c => Assert.True(c.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean()));
        await SendAsync(141, Events);
        await WaitForLastAsync(after, Events);

        for (var hub = 0; hub < 3; hub++)
        {
            var expected = Enumerable.Range(1, Events).Where(i => i % 3 == hub).ToList();
            Assert.Equal(expected, Received(before[hub], hub).Concat(Received(after[hub], hub)).ToList());
        }

        await Task.WhenAll(before.Concat(after).Select(c => c.DisposeAsync().AsTask()));
    }

    /// <summary>Event i: a broadcast (i % 3 == 0), an inbox message (1), a dashboard key of its own (2).</summary>
    private async Task SendAsync(int from, int through)
    {
        for (var i = from; i <= through; i++)
        {
            Task send = (i % 3) switch
            {
                0 => new RealtimeService(Client).BroadcastToWorkspace(_workspaceId, EventName, new { seq = i }),
                1 => new InboxService(Client).AddCustomerMessage(_workspaceId, "c1", $"m{i}", "customer", $"message {i}"),
                _ => new DashboardService(Client).BroadcastMetricUpdate(_workspaceId, $"k{i}", i, "x"),
            };
            await send;
        }
    }

    private static Task WaitForLastAsync(TestClient[] clients, int through) =>
        Task.WhenAll(Enumerable.Range(0, 3).Select(hub =>
        {
            var last = Enumerable.Range(1, through).Last(i => i % 3 == hub);
            return clients[hub].Events.WaitForAsync(e => Sequence(e, hub) == last, $"event {last}");
        }));

    private static IEnumerable<int> Received(TestClient client, int hub) =>
        client.Events.Snapshot().Select(e => Sequence(e, hub)).Where(i => i > 0);

    /// <summary>The number of the test's event a received event is on its hub, or 0.</summary>
    private static int Sequence(ReceivedEvent e, int hub) => (hub, e.Name) switch
    {
        (0, EventName) => e.Payload.GetProperty("seq").GetInt32(),
        (1, "inbox:message") when e.Payload.GetProperty("messageId").GetString() is ['m', .. var n] && n != "0" => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture),
        (2, "dashboard:metric:update") => (int)e.Payload.GetProperty("value").GetDouble(),
        _ => 0,
    };

    private static string LastPosition(TestClient client) =>
        client.Events.Snapshot().Last(e => e.Payload.ValueKind == JsonValueKind.Object
            && e.Payload.TryGetProperty(RecoveryPosition.PropertyName, out var position) && position.ValueKind == JsonValueKind.String)
            .Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;

    /// <summary>/realtime, /inbox and /dashboard, subscribed; from the given positions, one per hub.</summary>
    private async Task<TestClient[]> ConnectAllAsync(Uri edge, string[]? recover)
    {
        var token = _system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        string[] hubs = ["/realtime", "/inbox", "/dashboard"];
        var clients = new TestClient[3];
        for (var hub = 0; hub < 3; hub++)
        {
            clients[hub] = await TestClient.ConnectAsync(edge, token, _workspaceId, hubs[hub], recover is null ? null : $"recover={Uri.EscapeDataString(recover[hub])}", record: [EventName]);
            await clients[hub].Events.WaitForAsync(e => e.Name == "connected", $"{hubs[hub]} connected");
        }

        await clients[1].Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        await clients[2].Connection.InvokeAsync("dashboard:subscribe");
        await clients[2].Events.WaitForAsync(e => e.Name == "dashboard:subscribed", "dashboard subscribed");
        return clients;
    }
}
