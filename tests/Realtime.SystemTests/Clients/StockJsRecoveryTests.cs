using System.Text.Json;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Streaming;
using Realtime.SystemTests.Faults;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Clients;

/// <summary>
/// The stock <c>@microsoft/signalr</c> client, as docs/protocol.md shows it, keeps the last
/// <c>recoveryPosition</c> and reconnects with it when its edge stops: on the other edge, behind a
/// load balancer, it gets every broadcast it missed meanwhile, in order and once, then live ones.
/// </summary>
[Trait("Kind", "System")]
public sealed class StockJsRecoveryTests(ITestOutputHelper output)
{
    private const string EventName = "test:recovery";

    [Fact]
    public async Task The_stock_js_client_recovers_the_broadcasts_sent_while_its_edge_stopped()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
        await using var balancer = new LoopbackBalancer(cluster.EdgeUrls);
        var realtime = new RealtimeService(cluster.Client);
        var hubUrl = new Uri(balancer.Url, $"/realtime?workspaceId={FaultTraffic.WorkspaceId}");
        await using var js = await StockJsClient.ConnectAsync(hubUrl, FaultTraffic.Token("bob"), recover: true, RealtimeEvents.Connected, EventName);
        await js.Reports.WaitForAsync(r => IsEvent(r, RealtimeEvents.Connected), "connected");
        await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, EventName, new { seq = 1 });
        await js.Reports.WaitForAsync(r => Seq(r) == 1, "broadcast 1");

        var stopping = cluster.StopEdgeAsync(0);
        await js.WaitForStateAsync("reconnecting");
        for (var seq = 2; seq <= 10; seq++)
        {
            await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, EventName, new { seq });
        }

        await stopping;
        await js.WaitForStateAsync("reconnected");
        await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, EventName, new { seq = 11 });
        await js.Reports.WaitForAsync(r => Seq(r) == 11, "the live broadcast after reconnecting");

        var events = js.Reports.Snapshot().Where(r => r.GetProperty("kind").GetString() == "event").ToList();
        output.WriteLine(string.Join("\n", events));
        var connects = events.Where(r => IsEvent(r, RealtimeEvents.Connected)).Select(r => r.GetProperty("payload").GetProperty("recovered").GetBoolean()).ToList();
        Assert.Equal([false, true], connects);
        Assert.Equal(Enumerable.Range(1, 11), events.Where(r => IsEvent(r, EventName)).Select(Seq));
    }

    private static bool IsEvent(JsonElement report, string name) =>
        report.GetProperty("kind").GetString() == "event" && report.GetProperty("name").GetString() == name;

    private static int Seq(JsonElement report) =>
        IsEvent(report, EventName) ? report.GetProperty("payload").GetProperty("seq").GetInt32() : 0;
}
