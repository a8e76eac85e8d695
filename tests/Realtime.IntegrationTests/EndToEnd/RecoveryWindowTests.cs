using Realtime.Grains.Streaming;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// A client away longer than the recovery window (a short one here, two seconds) is told it did not
/// recover, gets the workspace's presence as it is now, and none of what was broadcast while it was
/// away: a replay with a hole in it would look complete.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class RecoveryWindowTests : WorkspaceRecoveryTest
{
    protected override IReadOnlyDictionary<string, string?> SiloSettings { get; } = new Dictionary<string, string?> { ["Recovery:Window"] = "00:00:02" };

    [Fact]
    public async Task Back_after_the_window_it_is_told_so_gets_the_presence_now_and_nothing_from_while_it_was_away()
    {
        await using var bob = await ConnectAsync("bob", edge: 0);
        var position = RecoveryPosition.TryParse(await LeaveAfterFirstBroadcastAsync(await ConnectAsync("alice", edge: 0), "alice"), WorkspaceId)!;
        await BroadcastAsync(2);
        await bob.Events.WaitForAsync(e => Seq(e) == 2, "broadcast 2, to those still here");

        // The window is counted from the position's event: once the workspace says it no longer reaches back there, she is late.
        await Eventually.UntilAsync(() => Workspace.Recovers(position.Epoch, position.Sequence), recovers => !recovers, "the position out of the window");
        await using var back = await ConnectAsync("alice", edge: 1, recover: position.ToString());

        Assert.False(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        await back.WaitForPresenceAsync("bob", "online");
        await BroadcastAsync(3);
        await back.Events.WaitForAsync(e => Seq(e) == 3, "a live broadcast");
        Assert.Equal([3], back.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
    }
}
