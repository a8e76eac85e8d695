using Orleans.Core.Internal;
using Realtime.Grains;
using Realtime.Grains.Edges;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.Grains;

/// <summary>
/// What happens with time, driven by a FakeTimeProvider (grains, grain timers and reminders on
/// the test clock): idle users turn away, typing lapses, the sweep reminder removes connections
/// whose heartbeats stopped, and a lapsed edge lease evicts the edge's connections.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(FakeTimeClusterCollection.Name)]
public sealed class PresenceTimeTests(FakeTimeClusterFixture fixture)
{
    private static readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock = RealtimeTestClusterFixture.FakeTime;
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private IClusterClient Client => fixture.Cluster.Client;

    [Fact]
    public async Task An_idle_user_turns_away_and_comes_back_online_with_activity()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));

        Clock.Advance(FakeTimeClusterFixture.IdleTimeout - TimeSpan.FromSeconds(30));
        Assert.Empty(await alice.Heartbeat(["c1"])); // a heartbeat is no activity: it keeps the connection, not the user, alive
        await alice.SetTyping("conv-1", false, "c1"); // not typing is no activity either
        Assert.Equal(PresenceStatus.Online, (await alice.GetPresence())!.Status);
        Clock.Advance(TimeSpan.FromSeconds(31));

        await edge.Events.WaitForAsync(Clock, e => e.UpdateFor("alice")?.Status == PresenceStatus.Away, "alice away after idle time");
        Assert.Equal(PresenceStatus.Online, (await alice.Navigate("/back")).Status);
        await edge.Events.WaitForAsync(Clock, e => e.UpdateFor("alice") is { Status: PresenceStatus.Online, CurrentPage: "/back" }, "alice online again");
    }

    [Fact]
    public async Task Typing_lapses_by_itself_unless_renewed()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));
        await alice.SetTyping("conv-1", true, "c1");
        await edge.Events.WaitForAsync(Clock, e => e.Payloads<TypingEvent>(RealtimeEvents.PresenceTyping).Any(t => t.IsTyping), "typing true");

        // Renewed before the timeout: still typing.
        Clock.Advance(FakeTimeClusterFixture.TypingTimeout - TimeSpan.FromSeconds(1));
        await alice.SetTyping("conv-1", true, "c1");
        Clock.Advance(TimeSpan.FromSeconds(2));
        await alice.Navigate("/marker");
        await edge.Events.WaitForAsync(Clock, e => e.UpdateFor("alice")?.CurrentPage == "/marker", "a later event of the same grain");
        Assert.DoesNotContain(edge.Events.Snapshot(), e => e.Payloads<TypingEvent>(RealtimeEvents.PresenceTyping).Any(t => !t.IsTyping));

        Clock.Advance(FakeTimeClusterFixture.TypingTimeout);
        var lapse = await edge.Events.WaitForAsync(Clock, e => e.Payloads<TypingEvent>(RealtimeEvents.PresenceTyping).Any(t => !t.IsTyping), "typing lapsed");
        Assert.Equal(new TypingEvent("alice", "conv-1", false), Assert.Single(lapse.Deliveries).Payload);
        Assert.Null(Assert.Single(lapse.Deliveries).Audience.ExceptConnectionId);
    }

    [Fact]
    public async Task The_sweep_reminder_removes_connections_whose_heartbeats_stopped()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("watcher").Connect(new EdgeConnection("w1", edge.EdgeId));
        await PresenceOf("ghost").Connect(new EdgeConnection("g1", "edge-that-vanished"));
        await PresenceOf("alive").Connect(new EdgeConnection("a1", "edge-that-lives"));

        Clock.Advance(FakeTimeClusterFixture.SweepInterval - TimeSpan.FromMinutes(1));
        Assert.Empty(await PresenceOf("alive").Heartbeat(["a1"]));
        Assert.Empty(await PresenceOf("watcher").Heartbeat(["w1"]));
        Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        await edge.Events.WaitForAsync(Clock, e => e.UpdateFor("ghost")?.Status == PresenceStatus.Offline, "the ghost swept by the reminder");
        Assert.Equal(1, (await PresenceOf("alive").GetPresence())!.ConnectionCount);
        Assert.Equal(1, (await PresenceOf("watcher").GetPresence())!.ConnectionCount);
    }

    [Fact]
    public async Task A_lapsed_edge_lease_evicts_its_connections_within_the_lease()
    {
        await using var watcher = await EdgeStreamProbe.SubscribeAsync(Client);
        var deadEdge = $"edge-{Guid.NewGuid():N}";
        var leaseDuration = TimeSpan.FromSeconds(30);
        await Client.GetGrain<IEdgeGrain>(deadEdge).Renew(leaseDuration, 1);
        await PresenceOf("bob").Connect(new EdgeConnection("b1", watcher.EdgeId));
        await PresenceOf("alice").Connect(new EdgeConnection("a1", deadEdge));

        Clock.Advance(leaseDuration - TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await PresenceOf("alice").GetPresence())!.ConnectionCount); // the lease still holds
        Clock.Advance(TimeSpan.FromSeconds(8));

        await watcher.Events.WaitForAsync(Clock, e => e.UpdateFor("alice")?.Status == PresenceStatus.Offline, "alice evicted with her edge");
        Assert.True(await Client.GetGrain<IEdgeGrain>(deadEdge).Renew(leaseDuration, 1), "a renewal after eviction tells the edge to register again");
    }

    [Fact]
    public async Task The_lease_reminder_evicts_an_edge_whose_lease_grain_was_lost_with_it()
    {
        await using var watcher = await EdgeStreamProbe.SubscribeAsync(Client);
        var deadEdge = $"edge-{Guid.NewGuid():N}";
        await Client.GetGrain<IEdgeGrain>(deadEdge).Renew(TimeSpan.FromSeconds(30), 1);
        await PresenceOf("bob").Connect(new EdgeConnection("b1", watcher.EdgeId));
        await PresenceOf("alice").Connect(new EdgeConnection("a1", deadEdge));

        // As if the silo holding the lease died: no active grain, no timer; only the persisted reminder remains.
        await Client.GetGrain<IEdgeGrain>(deadEdge).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        await watcher.Events.WaitForAsync(Clock, e => e.UpdateFor("alice")?.Status == PresenceStatus.Offline, "alice evicted by the reminder");
    }

    private IUserPresenceGrain PresenceOf(string userId) =>
        Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));
}
