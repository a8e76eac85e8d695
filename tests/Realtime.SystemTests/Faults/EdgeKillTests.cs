using System.Diagnostics;
using Realtime.Grains.Presence;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// An edge dies with SIGKILL: its clients move to the other edge and get what they missed,
/// exactly once; its connections leave presence within the lease; the other edge never waits for it.
/// </summary>
[Trait("Kind", "System")]
public sealed class EdgeKillTests(ITestOutputHelper output)
{
    private const int Batch = 10;

    [Fact]
    public async Task Clients_of_a_killed_edge_reconnect_elsewhere_and_miss_nothing()
    {
        await using var cluster = await FaultCluster.StartAsync();
        await using var alice = await TestClient.ConnectAsync(cluster.EdgeUrls[1], FaultTraffic.Token("alice"), FaultTraffic.WorkspaceId);
        // Dave has no reconnect logic: his presence must go when the lease of his dead edge lapses.
        var dave = await TestClient.ConnectAsync(cluster.EdgeUrls[0], FaultTraffic.Token("dave"), FaultTraffic.WorkspaceId);
        await using var bob = new FailoverNotificationClient(cluster.EdgeUrls, FaultTraffic.Token("bob"), FaultTraffic.WorkspaceId);
        await using var carol = new FailoverNotificationClient(cluster.EdgeUrls, FaultTraffic.Token("carol"), FaultTraffic.WorkspaceId);
        await bob.StartAsync(edge: 0);
        await carol.StartAsync(edge: 1);
        await alice.WaitForPresenceAsync("dave", "online");

        var sent = new List<string>();
        for (var i = 0; i < Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n == Batch, "bob got the first batch");

        var sinceKill = Stopwatch.StartNew();
        await cluster.KillEdgeAsync(0);

        // The surviving edge serves at once, whatever its dead peer's lease says.
        var carolsId = await FaultTraffic.SendAsync(cluster.Client, "carol", 0);
        await Eventually.UntilAsync(() => Task.FromResult(carol.ReceivedIds.Contains(carolsId)), got => got, "carol's notification on the surviving edge");
        var survivorLatency = sinceKill.Elapsed;

        // Sent while bob is between edges: replayed on his reconnect.
        for (var i = Batch; i < 2 * Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.Reconnects), n => n >= 1, "bob reconnected to the other edge");
        for (var i = 2 * Batch; i < 3 * Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n >= sent.Count, $"bob got all {sent.Count}", TimeSpan.FromSeconds(30));

        await alice.WaitForPresenceAsync("dave", "offline");
        var evictedAfter = sinceKill.Elapsed;
        var presence = new PresenceService(cluster.Client);
        var daveNow = await presence.GetUserPresence(FaultTraffic.WorkspaceId, "dave");

        // Bob's connection on the dead edge is gone too, and his new one on the survivor counts.
        var bobNow = await Eventually.UntilAsync(
            () => presence.GetUserPresence(FaultTraffic.WorkspaceId, "bob"), p => p is { ConnectionCount: 1 }, "bob with one connection");

        // Nothing of the dead edge accumulates: its stream subscription went with its lease; the survivor keeps its own.
        var deadEdgeSubscriptions = await Eventually.UntilAsync(() => cluster.EdgeStreamSubscriptionsAsync(0), n => n == 0, "the dead edge's stream subscription removed");
        Assert.Equal(1, await cluster.EdgeStreamSubscriptionsAsync(1));

        var lost = sent.Except(bob.ReceivedIds).Count();
        output.WriteLine($"edge kill: reconnect {bob.ReconnectTimes[0].TotalMilliseconds:F0} ms, presence evicted after {evictedAfter.TotalMilliseconds:F0} ms (lease 3 s), " +
                         $"surviving edge delivered {survivorLatency.TotalMilliseconds:F0} ms after the kill, dead edge's stream subscriptions left {deadEdgeSubscriptions}, sent {sent.Count}, lost {lost}, duplicates {bob.Duplicates}");
        Assert.Equal(0, lost);
        Assert.Equal(0, bob.Duplicates);
        Assert.Equal(sent, bob.ReceivedIds);
        Assert.True(daveNow is null || daveNow.Status == PresenceStatus.Offline, $"dave is {daveNow?.Status}");
        Assert.Equal(PresenceStatus.Online, bobNow!.Status);
        Assert.True(survivorLatency < TimeSpan.FromSeconds(2), $"the surviving edge took {survivorLatency}");
        await dave.DisposeAsync();
    }
}
