using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// Workspace events that never reached an edge are fetched again from the workspace's feed:
/// broadcasts as sent, presence as it is now, once each and in order, over real sockets. Here the
/// events are lost because the cluster dropped the edge's stream subscription (as a pulling agent
/// does that cannot reach the edge); a stream queue dying with its silo loses them the same way.
/// The edge's own subscription and feed checks are slowed to minutes, so each test decides when the
/// edge subscribes again and whether a check runs: every repair path is taken on purpose.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class WorkspaceFeedRepairTests : IAsyncLifetime
{
    private const string EventName = "test:feed";

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private RealtimeSystem _system = null!;

    private IClusterClient Client => _system.EdgeService<IClusterClient>();

    private IWorkspaceGrain Workspace => Client.GetGrain<IWorkspaceGrain>(_workspaceId);

    private RealtimeService Realtime => new(Client);

    public async Task InitializeAsync() =>
        _system = await RealtimeSystem.StartEmbeddedAsync(edgeSettings: new Dictionary<string, string?>
        {
            ["Edge:StreamCheckInterval"] = "00:10:00",
            ["Edge:FeedCheckInterval"] = "00:10:00",
        });

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task The_next_event_shows_the_gap_and_what_was_missed_comes_first_to_those_it_was_for()
    {
        await using var alice = await ConnectAsync("alice");
        var bob = await ConnectAsync("bob");
        await BroadcastAndWaitAsync(alice, seq: 1);

        await CutOffAsync();
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 2 });
        await LeaveAsync(bob, "bob");

        // Carol arrives after broadcast 2 was sent: it was never hers (she may have had it on another edge).
        await using var carol = await ConnectAsync("carol", waitForPresence: false);
        await _system.EdgeService<EdgeStreamSubscription>().ResubscribeAsync(CancellationToken.None);
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 3 });

        await alice.Events.WaitForAsync(e => Seq(e) == 3, "the broadcast that shows the gap");
        await alice.WaitForPresenceAsync("bob", "offline");
        var events = alice.Events.Snapshot().Where(e => e.Name == EventName || IsOffline(e, "bob")).ToList();
        Assert.Equal([1, 2, 3], events.Where(e => e.Name == EventName).Select(Seq));
        Assert.True(events.FindIndex(e => IsOffline(e, "bob")) < events.FindIndex(e => Seq(e) == 3), "the missed departure came before the event that showed the gap");
        await carol.Events.WaitForAsync(e => Seq(e) == 3, "carol's first broadcast");
        await carol.WaitForPresenceAsync("alice", "online");

        // When the stream's queue held broadcast 2 until the edge had subscribed again, it came live
        // (to carol too, who was there by then) and nothing needed repair; otherwise it was repaired.
        using var http = new HttpClient();
        var repaired = (await PrometheusScrape.FetchAsync(http, _system.EdgeUrls[0])).Sum("realtime_edge_feed_repairs_total", ("outcome", "complete")) > 0;
        Assert.Equal(repaired ? [3] : [2, 3], carol.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
    }

    [Fact]
    public async Task A_check_finds_events_lost_at_the_end_of_a_burst()
    {
        await using var alice = await ConnectAsync("alice");
        await BroadcastAndWaitAsync(alice, seq: 1);

        await CutOffAsync();
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 2 });
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 3 });
        await _system.EdgeService<EdgeStreamSubscription>().ResubscribeAsync(CancellationToken.None);

        // Nothing more is sent. The first check sees the feed ahead; the second, still ahead by the same,
        // repairs (both find nothing when the cut came too late for these two: the outcome is the same).
        var feeds = _system.EdgeService<WorkspaceFeedReader>();
        var repaired = await feeds.CheckAsync(CancellationToken.None);
        repaired += await feeds.CheckAsync(CancellationToken.None);
        Assert.InRange(repaired, 0, 1);

        await alice.Events.WaitForAsync(e => Seq(e) == 3, "the last broadcast sent while cut off");
        await BroadcastAndWaitAsync(alice, seq: 4);
        Assert.Equal([1, 2, 3, 4], alice.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
        Assert.Equal(0, await feeds.CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_departure_lost_with_the_workspace_s_old_activation_is_corrected_by_the_new_one()
    {
        await using var alice = await ConnectAsync("alice");
        var bob = await ConnectAsync("bob");
        await BroadcastAndWaitAsync(alice, seq: 1);

        // Bob leaves while the edge is cut off, and the activation that published his departure (and kept it) goes away.
        await CutOffAsync();
        await LeaveAsync(bob, "bob");
        var before = await Workspace.GetFeedHead(EdgeId);
        await GrainActivations.DeactivateAsync(Client, Workspace);
        await _system.EdgeService<EdgeStreamSubscription>().ResubscribeAsync(CancellationToken.None);

        // The next event comes from a new activation: the edge asks it for the presence as it is now.
        await BroadcastAndWaitAsync(alice, seq: 2);

        await alice.WaitForPresenceAsync("bob", "offline");
        Assert.NotEqual(before.Epoch, (await Workspace.GetFeedHead(EdgeId)).Epoch);
        Assert.Equal([1, 2], alice.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
    }

    [Fact]
    public async Task A_broadcast_lost_with_the_old_activation_comes_from_the_broadcast_log_before_the_new_one_s_events()
    {
        await using var alice = await ConnectAsync("alice");
        await BroadcastAndWaitAsync(alice, seq: 1);

        await LoseWithTheActivationAsync(seq: 2);

        // Nothing of the old epoch follows it to show a gap: the new epoch's first event brings it.
        await BroadcastAndWaitAsync(alice, seq: 3);

        Assert.Equal([1, 2, 3], alice.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
    }

    [Fact]
    public async Task A_check_finds_a_broadcast_lost_with_the_old_activation_when_nothing_follows()
    {
        await using var alice = await ConnectAsync("alice");
        await BroadcastAndWaitAsync(alice, seq: 1);

        await LoseWithTheActivationAsync(seq: 2);

        // The first check meets a new epoch; the second, still meeting it, asks for the old one's tail.
        var feeds = _system.EdgeService<WorkspaceFeedReader>();
        Assert.Equal(0, await feeds.CheckAsync(CancellationToken.None));
        Assert.Equal(1, await feeds.CheckAsync(CancellationToken.None));
        await alice.Events.WaitForAsync(e => Seq(e) == 2, "the broadcast lost with the old activation");

        // Asked again while the window lasts (an old activation may still be finishing), it comes once.
        await feeds.CheckAsync(CancellationToken.None);
        await BroadcastAndWaitAsync(alice, seq: 3);
        Assert.Equal([1, 2, 3], alice.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
    }

    [Fact]
    public async Task A_client_replaying_what_it_missed_gets_what_a_repair_brings_meanwhile()
    {
        await using var bob = await ConnectAsync("bob");
        var alice = await ConnectAsync("alice");
        await BroadcastAndWaitAsync(alice, seq: 1);
        var position = alice.Events.Snapshot().Single(e => Seq(e) == 1).Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await LeaveAsync(alice, "alice");

        // Broadcast 2 is missed while away; 3 is sent after her replay was read. Neither reaches the
        // edge by its stream, cut off until the checks have repaired them: she is held until the
        // edge has what her replay covered, and 3 comes to the edge only by the repair.
        await CutOffAsync();
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 2 });
        var token = _system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        await using var back = await TestClient.ConnectAsync(_system.EdgeUrls[0], token, _workspaceId, "/realtime", $"recover={Uri.EscapeDataString(position)}", record: [EventName]);
        await back.Events.WaitForAsync(e => Seq(e) == 2, "the replayed broadcast");
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq = 3 });

        var feeds = _system.EdgeService<WorkspaceFeedReader>();
        await Eventually.UntilAsync(
            async () =>
            {
                // Behind by the same at two checks in a row: the second repairs.
                await feeds.CheckAsync(CancellationToken.None);
                return bob.Events.Snapshot().Any(e => Seq(e) == 3);
            },
            repaired => repaired,
            "a check repairs broadcast 3 for bob");
        await back.Events.WaitForAsync(e => Seq(e) == 3, "the repaired broadcast, kept while she replayed");
        await _system.EdgeService<EdgeStreamSubscription>().ResubscribeAsync(CancellationToken.None);
        await BroadcastAndWaitAsync(back, seq: 4);
        await bob.Events.WaitForAsync(e => Seq(e) == 4, "bob's live broadcast");
        Assert.True(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        Assert.Equal([2, 3, 4], back.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
        Assert.Equal([1, 2, 3, 4], bob.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
    }

    private string EdgeId => _system.EdgeService<EdgeIdentity>().EdgeId;

    private async Task<TestClient> ConnectAsync(string userId, bool waitForPresence = true)
    {
        var token = _system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        var client = await TestClient.ConnectAsync(_system.EdgeUrls[0], token, _workspaceId, "/realtime");
        client.Record(EventName);
        await (waitForPresence
            ? client.WaitForPresenceAsync(userId, "online")
            : client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} connected"));
        return client;
    }

    private async Task BroadcastAndWaitAsync(TestClient client, int seq)
    {
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq });
        await client.Events.WaitForAsync(e => Seq(e) == seq, $"broadcast {seq}");
    }

    /// <summary>
    /// A broadcast is accepted and its copy lost; then the activation that sent it, and its memory,
    /// go away, and the edge subscribes again.
    /// </summary>
    private async Task LoseWithTheActivationAsync(int seq)
    {
        await CutOffAsync();
        await Realtime.BroadcastToWorkspace(_workspaceId, EventName, new { seq });
        await GrainActivations.DeactivateAsync(Client, Workspace);
        await _system.EdgeService<EdgeStreamSubscription>().ResubscribeAsync(CancellationToken.None);
    }

    /// <summary>The cluster drops the edge's subscription: what is published now never reaches it by the stream.</summary>
    private async Task CutOffAsync() =>
        Assert.Equal(1, await EdgeStreamCleanup.RemoveSubscriptionsAsync(Client.GetStreamProvider(StreamNames.Provider), EdgeId));

    /// <summary>The user closes the app; returns once the workspace has published the departure.</summary>
    private async Task LeaveAsync(TestClient client, string userId)
    {
        await client.DisposeAsync();
        await Eventually.UntilAsync(() => Workspace.GetConnectedUserIds(), ids => !ids.Contains(userId), $"{userId} gone from the workspace");
    }

    private static bool IsOffline(ReceivedEvent e, string userId) =>
        e.Name == "presence:update" && e.Payload.GetProperty("users").EnumerateArray().Any(u =>
            u.GetProperty("userId").GetString() == userId && u.GetProperty("status").GetString() == "offline");

    private static int Seq(ReceivedEvent e) => e.Name == EventName ? e.Payload.GetProperty("seq").GetInt32() : 0;
}
