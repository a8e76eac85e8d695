using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Streaming;
using Realtime.Tests.Infrastructure;

namespace Realtime.Tests.EndToEnd;

/// <summary>
/// Workspace events that never reached an edge (here its stream subscription is dropped by the
/// cluster, as a pulling agent does that cannot reach the edge; a stream queue dying with its
/// silo loses them the same way) are fetched again from the workspace's feed: broadcasts as sent,
/// presence as it is now, once each and in order, over real sockets.
/// </summary>
[Collection(EmbeddedSystemCollection.Name)]
public sealed class WorkspaceFeedRepairTests(EmbeddedSystemFixture fixture)
{
    private const string EventName = "test:feed";

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task Broadcasts_and_a_departure_the_edge_missed_reach_its_clients_once_and_in_order()
    {
        var system = fixture.System;
        await using var alice = await ConnectAsync("alice");
        var bob = await ConnectAsync("bob");
        alice.Record(EventName);
        await alice.WaitForPresenceAsync("bob", "online");
        var realtime = new RealtimeService(system.EdgeService<IClusterClient>());
        await realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 1 });
        await alice.Events.WaitForAsync(e => Seq(e) == 1, "the broadcast before the cut");

        var edge = system.EdgeService<EdgeIdentity>().EdgeId;
        Assert.Equal(1, await EdgeStreamCleanup.RemoveSubscriptionsAsync(system.EdgeService<IClusterClient>().GetStreamProvider(StreamNames.Provider), edge));
        await realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 2 });
        await bob.DisposeAsync();
        await realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 3 });

        // Nothing more is sent: the edge's check finds the feed ahead of it and fetches the rest.
        await alice.WaitForPresenceAsync("bob", "offline");
        await alice.Events.WaitForAsync(e => Seq(e) == 3, "the last broadcast sent while cut off");

        await realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 4 });
        await alice.Events.WaitForAsync(e => Seq(e) == 4, "a broadcast after the repair");
        Assert.Equal([1, 2, 3, 4], alice.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
    }

    private Task<TestClient> ConnectAsync(string userId)
    {
        var token = fixture.System.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        return TestClient.ConnectAsync(fixture.System.EdgeUrls[0], token, _workspaceId, "/realtime");
    }

    private static int Seq(ReceivedEvent e) => e.Name == EventName ? e.Payload.GetProperty("seq").GetInt32() : 0;
}
