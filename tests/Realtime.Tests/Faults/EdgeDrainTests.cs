using System.Diagnostics;
using Realtime.Grains.Streaming;
using Xunit.Abstractions;

namespace Realtime.Tests.Faults;

/// <summary>
/// An edge stopped gracefully (SIGTERM, as in a rolling deploy) tells its clients to reconnect
/// and closes them; they carry on at the other edge and miss nothing.
/// </summary>
public sealed class EdgeDrainTests(ITestOutputHelper output)
{
    private const int Batch = 10;

    [Fact]
    public async Task A_stopping_edge_sends_its_clients_to_another_edge()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
        await using var alice = await TestClient.ConnectAsync(cluster.EdgeUrls[0], FaultTraffic.Token("alice"), FaultTraffic.WorkspaceId);
        alice.Record(RealtimeEvents.Reconnect);
        await using var bob = new FailoverNotificationClient(cluster.EdgeUrls, FaultTraffic.Token("bob"), FaultTraffic.WorkspaceId);
        await bob.StartAsync(edge: 0);
        var sent = new List<string>();
        for (var i = 0; i < Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n == Batch, "bob got the first batch");

        var stopping = Stopwatch.StartNew();
        await cluster.StopEdgeAsync(0);
        var stopTook = stopping.Elapsed;

        var reconnect = await alice.Events.WaitForAsync(e => e.Name == RealtimeEvents.Reconnect, "the reconnect event");
        await Eventually.UntilAsync(() => Task.FromResult(bob.Reconnects), n => n >= 1, "bob moved to the other edge");
        for (var i = Batch; i < 2 * Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n >= sent.Count, $"bob got all {sent.Count}");

        output.WriteLine($"edge drain: stop took {stopTook.TotalMilliseconds:F0} ms, bob reconnected in {bob.ReconnectTimes[0].TotalMilliseconds:F0} ms, " +
                         $"sent {sent.Count}, lost {sent.Except(bob.ReceivedIds).Count()}, duplicates {bob.Duplicates}");
        Assert.Equal("edge shutting down", reconnect.Payload.GetProperty("reason").GetString());
        Assert.Equal(sent, bob.ReceivedIds);
        Assert.Equal(0, bob.Duplicates);
    }
}
