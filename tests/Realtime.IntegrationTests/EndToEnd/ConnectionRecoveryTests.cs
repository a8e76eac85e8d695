using Realtime.Grains.Streaming;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// A client that drops off /realtime and comes back within the recovery window, to another edge,
/// passes the last position it received (<c>recover</c>) and gets the workspace's broadcasts and
/// its user's it missed, in order and once each, before live ones, over real sockets on two real edges. A
/// position that is not one of the workspace's recovers nothing and says so.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class ConnectionRecoveryTests : WorkspaceRecoveryTest
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_back_on_another_edge_gets_what_it_missed_in_order_once_then_live(bool teammateStays)
    {
        await using var teammate = teammateStays ? await ConnectAsync("bob", edge: 0) : null;
        var position = await LeaveAfterFirstBroadcastAsync(await ConnectAsync("alice", edge: 0), "alice");
        for (var seq = 2; seq <= 5; seq++)
        {
            await BroadcastAsync(seq);
        }

        // More broadcasts while she reconnects: each comes live or is held while she replays.
        var during = Task.Run(async () =>
        {
            for (var seq = 6; seq <= 15; seq++)
            {
                await BroadcastAsync(seq);
            }
        });
        await using var back = await ConnectAsync("alice", edge: 1, recover: position);
        await during;
        await BroadcastAsync(16);
        await back.Events.WaitForAsync(e => Seq(e) == 16, "the live broadcast after the replay");

        var events = back.Events.Snapshot();
        Assert.Equal("connected", events[0].Name);
        Assert.True(events[0].Payload.GetProperty("recovered").GetBoolean());
        Assert.True(Enumerable.Range(2, 15).SequenceEqual(events.Where(e => e.Name == EventName).Select(Seq)), string.Join("\n", events.Select(e => e.Name + " " + (e.Name == EventName ? Seq(e) + " " + RecoveryPosition.TryParse(e.Payload.GetProperty("recoveryPosition").GetString(), WorkspaceId) : ""))));
    }

    [Fact]
    public async Task Broadcasts_to_the_user_are_recovered_with_the_workspace_s_in_order_and_another_user_s_never()
    {
        await using var bob = await ConnectAsync("bob", edge: 0);
        var position = await LeaveAfterFirstBroadcastAsync(await ConnectAsync("alice", edge: 0), "alice");

        await Realtime.BroadcastToUser(WorkspaceId, "alice", EventName, new { seq = 2 });
        await Realtime.BroadcastToUser(WorkspaceId, "bob", EventName, new { seq = 100 });
        await BroadcastAsync(3);
        await Realtime.BroadcastToUser(WorkspaceId, "alice", EventName, new { seq = 4 });
        await bob.Events.WaitForAsync(e => Seq(e) == 100, "bob's own broadcast, live");

        await using var back = await ConnectAsync("alice", edge: 1, recover: position);
        await Realtime.BroadcastToUser(WorkspaceId, "alice", EventName, new { seq = 5 });
        await back.Events.WaitForAsync(e => Seq(e) == 5, "a live broadcast to her");

        var events = back.Events.Snapshot();
        Assert.True(events[0].Payload.GetProperty("recovered").GetBoolean());
        Assert.Equal([2, 3, 4, 5], events.Where(e => e.Name == EventName).Select(Seq));
        // Hers went through the feed before bob's (on his edge): had they reached him, they would be here.
        Assert.DoesNotContain(bob.Events.Snapshot(), e => Seq(e) is 2 or 4);
    }

    [Fact]
    public async Task A_position_that_is_not_the_workspace_s_recovers_nothing_and_says_so()
    {
        var position = RecoveryPosition.TryParse(await LeaveAfterFirstBroadcastAsync(await ConnectAsync("alice", edge: 0), "alice"), WorkspaceId)!;
        await BroadcastAsync(2);

        // A genuine position of another workspace the same user belongs to.
        var other = $"ws-{Guid.NewGuid():N}";
        var elsewhere = await TestClient.ConnectAsync(System.EdgeUrls[0], Token("alice", other), other, "/realtime", record: [EventName]);
        await elsewhere.Events.WaitForAsync(e => e.Name == "connected", "connected to the other workspace");
        await Realtime.BroadcastToWorkspace(other, EventName, new { seq = 1 });
        var foreign = (await elsewhere.Events.WaitForAsync(e => Seq(e) == 1, "the other workspace's broadcast")).Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await elsewhere.DisposeAsync();

        string[] refused =
        [
            foreign,
            "garbage",
            "%%%",
            new string('A', 2000),
            (position with { Sequence = position.Sequence + 1000 }).ToString(),
            (position with { Epoch = position.Epoch + 1 }).ToString(),
        ];
        foreach (var recover in refused)
        {
            await using var back = await ConnectAsync("alice", edge: 1, recover: recover);
            var connected = back.Events.Snapshot()[0];
            Assert.False(connected.Payload.GetProperty("recovered").GetBoolean(), recover);

            // Nothing replayed, and it is live.
            var live = 100 + Array.IndexOf(refused, recover);
            await BroadcastAsync(live);
            await back.Events.WaitForAsync(e => Seq(e) == live, "a live broadcast");
            Assert.Equal([live], back.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
        }
    }
}
