using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;
using Realtime.Grains.Hosting;
using Orleans.TestingHost;
using Realtime.Grains;
using Realtime.Grains.Edges;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.Grains;

/// <summary>Presence and workspace grains on a 2-silo cluster; run on in-memory and on Redis providers.</summary>
public abstract class PresenceGrainTests(TestCluster cluster)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private IClusterClient Client => cluster.Client;

    private IWorkspaceGrain Workspace => Client.GetGrain<IWorkspaceGrain>(_workspaceId);

    [Fact]
    public async Task First_connection_makes_the_user_online_and_tells_the_workspace_edges()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);

        var presence = await PresenceOf("alice").Connect(new EdgeConnection("c1", edge.EdgeId));

        Assert.Equal(PresenceStatus.Online, presence.Status);
        Assert.Equal(1, presence.ConnectionCount);
        var update = await edge.Events.WaitForAsync(
            e => e.UpdateFor("alice")?.Status == PresenceStatus.Online && e.Deliveries[0].Audience.ConnectionId is null, "alice online on the edge");
        Assert.Equal(EventAudience.InGroup(_workspaceId, InterestGroups.Presence), Assert.Single(update.Deliveries).Audience);
        Assert.True(update.Hubs.HasFlag(RealtimeHubs.Realtime) && update.Hubs.HasFlag(RealtimeHubs.Presence));

        var workspace = await Workspace.GetPresence(AllMembers);
        Assert.Equal(PresenceStatus.Online, Assert.Single(workspace.Users).Status);
        Assert.Equal(new Dictionary<string, int> { [edge.EdgeId] = 1 }, await Workspace.GetEdges());
    }

    [Fact]
    public async Task A_joining_connection_gets_the_members_already_online_in_order_with_later_updates()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("bob").Connect(new EdgeConnection("b1", "elsewhere"));
        await PresenceOf("carol").Connect(new EdgeConnection("c1", "elsewhere"));
        await PresenceOf("carol").Disconnect("c1");

        await PresenceOf("alice").Connect(new EdgeConnection("a1", edge.EdgeId));
        await PresenceOf("bob").Navigate("/later");

        var sync = await edge.Events.WaitForAsync(e => e.Deliveries.Any(d => d.Audience.ConnectionId == "a1"), "alice's join sync");
        var members = ((WorkspacePresence)Assert.Single(sync.Deliveries).Payload).Users;
        // Carol, who left within the recovery window, is listed offline: a client back from a brief disconnect learns she left.
        Assert.Equal([("alice", PresenceStatus.Online), ("bob", PresenceStatus.Online), ("carol", PresenceStatus.Offline)], members.Select(u => (u.UserId, u.Status)));
        await edge.Events.WaitForAsync(e => e.UpdateFor("bob")?.CurrentPage == "/later", "bob's later change");
        var events = edge.Events.Snapshot().ToList();
        Assert.True(events.IndexOf(sync) < events.FindIndex(e => e.UpdateFor("bob")?.CurrentPage == "/later"));
    }

    [Fact]
    public async Task More_tabs_do_not_flap_and_the_last_tab_closing_makes_the_user_offline()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");

        await alice.Connect(new EdgeConnection("tab1", edge.EdgeId));
        await edge.Events.WaitForAsync(e => e.UpdateFor("alice")?.Status == PresenceStatus.Online && e.Deliveries[0].Audience.ConnectionId is null, "alice online");
        await alice.Connect(new EdgeConnection("tab2", edge.EdgeId));
        var afterFirstClose = await alice.Disconnect("tab1");
        Assert.Equal(PresenceStatus.Online, afterFirstClose.Status);
        Assert.Equal(1, afterFirstClose.ConnectionCount);

        // A watcher on a second edge stays to see the offline (the closing edge holds no connection any more).
        await using var watcherEdge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("bob").Connect(new EdgeConnection("bob1", watcherEdge.EdgeId));
        var last = await alice.Disconnect("tab2");

        Assert.Equal(PresenceStatus.Offline, last.Status);
        await watcherEdge.Events.WaitForAsync(e => e.UpdateFor("alice")?.Status == PresenceStatus.Offline, "alice offline");
        Assert.Equal([PresenceStatus.Online], edge.Events.Snapshot().Where(e => e.Deliveries[0].Audience.ConnectionId is null).Select(e => e.UpdateFor("alice")).OfType<UserPresence>().Select(p => p.Status));
        Assert.Equal(new Dictionary<string, int> { [watcherEdge.EdgeId] = 1 }, await Workspace.GetEdges());
    }

    [Fact]
    public async Task A_late_disconnect_of_an_old_connection_never_marks_a_reconnected_user_offline()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("old", edge.EdgeId));

        // The client reconnected (new connection id) before the edge reported the old one gone.
        await alice.Connect(new EdgeConnection("new", edge.EdgeId));
        var afterLateDisconnect = await alice.Disconnect("old");
        var afterUnknownDisconnect = await alice.Disconnect("never-seen");

        Assert.Equal(PresenceStatus.Online, afterLateDisconnect.Status);
        Assert.Equal(PresenceStatus.Online, afterUnknownDisconnect.Status);
        Assert.Equal(1, afterUnknownDisconnect.ConnectionCount);
        Assert.DoesNotContain(edge.Events.Snapshot(), e => e.UpdateFor("alice")?.Status == PresenceStatus.Offline);
    }

    [Fact]
    public async Task Events_reach_only_the_edges_holding_the_workspace()
    {
        await using var edgeOfThisWorkspace = await EdgeStreamProbe.SubscribeAsync(Client);
        await using var edgeOfAnotherWorkspace = await EdgeStreamProbe.SubscribeAsync(Client);
        var otherWorkspaceId = $"ws-{Guid.NewGuid():N}";

        await PresenceOf("alice").Connect(new EdgeConnection("a1", edgeOfThisWorkspace.EdgeId));
        await Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(otherWorkspaceId, "zoe"))
            .Connect(new EdgeConnection("z1", edgeOfAnotherWorkspace.EdgeId));

        await edgeOfThisWorkspace.Events.WaitForAsync(e => e.UpdateFor("alice") is not null, "alice's update");
        await edgeOfAnotherWorkspace.Events.WaitForAsync(e => e.UpdateFor("zoe") is not null, "zoe's update");
        Assert.All(edgeOfAnotherWorkspace.Events.Snapshot().SelectMany(e => e.Deliveries), d => Assert.Equal(otherWorkspaceId, d.Audience.WorkspaceId));
        Assert.All(edgeOfThisWorkspace.Events.Snapshot().SelectMany(e => e.Deliveries), d => Assert.Equal(_workspaceId, d.Audience.WorkspaceId));
    }

    [Fact]
    public async Task Navigating_records_the_page_ends_the_activity_and_tells_the_workspace()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));
        await alice.SetActivity(PresenceActivity.Editing, "post-1", "post", "c1");

        var presence = await alice.Navigate("/inbox");

        Assert.Equal("/inbox", presence.CurrentPage);
        Assert.Null(presence.Activity);
        await edge.Events.WaitForAsync(e => e.UpdateFor("alice") is { CurrentPage: "/inbox", Activity: null }, "the page change");
        Assert.Equal("/inbox", Assert.Single((await Workspace.GetPresence(AllMembers)).Users).CurrentPage);
    }

    [Fact]
    public async Task A_chosen_status_wins_until_online_is_chosen_again()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));

        Assert.Equal(PresenceStatus.Away, (await alice.SetStatus(PresenceStatus.Away)).Status);
        await edge.Events.WaitForAsync(e => e.UpdateFor("alice")?.Status == PresenceStatus.Away, "alice away");

        var invisible = await alice.SetStatus(PresenceStatus.Offline);
        Assert.Equal(PresenceStatus.Offline, invisible.Status);
        Assert.Equal(0, invisible.ConnectionCount);
        await alice.Navigate("/secret");
        Assert.Null((await alice.GetPresence())!.CurrentPage);

        Assert.Equal(PresenceStatus.Online, (await alice.SetStatus(PresenceStatus.Online)).Status);
        await edge.Events.WaitForAsync(e => e.UpdateFor("alice") is { Status: PresenceStatus.Online, CurrentPage: "/secret" }, "alice visible again");
        Assert.DoesNotContain(edge.Events.Snapshot(), e => e.UpdateFor("alice")?.CurrentPage == "/secret" && e.UpdateFor("alice")?.Status == PresenceStatus.Offline);
    }

    [Fact]
    public async Task Activity_goes_to_the_others_of_the_workspace_except_the_connection_that_sent_it()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));

        var presence = await alice.SetActivity(PresenceActivity.Viewing, "post-9", "post", "c1");

        Assert.Equal(new PresenceActivity("viewing", "post-9", "post", presence.Activity!.At), presence.Activity);
        var evt = await edge.Events.WaitForAsync(e => e.Payloads<ActivityEvent>(RealtimeEvents.PresenceActivity).Any(), "the activity");
        var delivery = Assert.Single(evt.Deliveries);
        Assert.Equal(EventAudience.Workspace(_workspaceId, exceptConnectionId: "c1"), delivery.Audience);
        Assert.Equal(new ActivityEvent("alice", "viewing", "post-9", "post", presence.Activity.At), delivery.Payload);
    }

    [Fact]
    public async Task Typing_is_sent_once_per_change_and_stops_with_false()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));

        await alice.SetTyping("conv-1", true, "c1");
        await alice.SetTyping("conv-1", true, "c1");
        await alice.SetTyping("conv-1", false, "c1");

        await edge.Events.WaitForAsync(e => e.Payloads<TypingEvent>(RealtimeEvents.PresenceTyping).Any(t => !t.IsTyping), "typing false");
        var typing = edge.Events.Snapshot().SelectMany(e => e.Payloads<TypingEvent>(RealtimeEvents.PresenceTyping)).ToList();
        Assert.Equal([new TypingEvent("alice", "conv-1", true), new TypingEvent("alice", "conv-1", false)], typing);
    }

    [Fact]
    public async Task Heartbeats_return_the_connections_the_grain_does_not_know()
    {
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("known", "edge-x"));

        var unknown = await alice.Heartbeat(["known", "forgotten"]);

        Assert.Equal(["forgotten"], unknown);
    }

    [Fact]
    public async Task The_previous_versions_heartbeat_with_an_edge_id_still_answers()
    {
        // Edges of the previous version send it until a rolling upgrade reaches them.
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("known", "edge-x"));

        Assert.Equal(["forgotten"], await alice.Heartbeat("edge-x", ["known", "forgotten"]));
    }

    [Fact]
    public async Task An_edge_that_leaves_takes_its_connections_with_it()
    {
        await using var watcher = await EdgeStreamProbe.SubscribeAsync(Client);
        var leavingEdge = $"edge-{Guid.NewGuid():N}";
        await Client.GetGrain<IEdgeGrain>(leavingEdge).Renew(TimeSpan.FromMinutes(1), 0);
        await PresenceOf("bob").Connect(new EdgeConnection("b1", watcher.EdgeId));
        await PresenceOf("alice").Connect(new EdgeConnection("a1", leavingEdge));
        await PresenceOf("alice").Connect(new EdgeConnection("a2", watcher.EdgeId));
        await PresenceOf("carol").Connect(new EdgeConnection("c1", leavingEdge));

        await Client.GetGrain<IEdgeGrain>(leavingEdge).Leave();

        await watcher.Events.WaitForAsync(e => e.UpdateFor("carol")?.Status == PresenceStatus.Offline, "carol evicted");
        var alice = await Eventually.UntilAsync(() => PresenceOf("alice").GetPresence(), p => p!.ConnectionCount == 1, "alice down to one connection");
        Assert.Equal(PresenceStatus.Online, alice!.Status);
        Assert.DoesNotContain(leavingEdge, (await Eventually.UntilAsync(Workspace.GetEdges, e => !e.ContainsKey(leavingEdge), "edge gone")).Keys);
    }

    [Fact]
    public async Task Presence_lists_page_in_user_id_order()
    {
        var edge = $"edge-{Guid.NewGuid():N}";
        foreach (var user in new[] { "u3", "u1", "u5", "u2", "u4" })
        {
            await PresenceOf(user).Connect(new EdgeConnection($"{user}-c", edge));
        }

        await PresenceOf("u4").Disconnect("u4-c");

        var first = await Workspace.GetPresence(new PresencePage(null, 2, OnlineOnly: false));
        var second = await Workspace.GetPresence(new PresencePage(first.NextCursor, 2, OnlineOnly: false));
        var third = await Workspace.GetPresence(new PresencePage(second.NextCursor, 2, OnlineOnly: false));
        Assert.Equal(["u1", "u2"], first.Users.Select(u => u.UserId));
        Assert.Equal(["u3", "u4"], second.Users.Select(u => u.UserId));
        Assert.Equal(["u5"], third.Users.Select(u => u.UserId));
        Assert.Null(third.NextCursor);

        var online = await Workspace.GetPresence(new PresencePage("u2", 10, OnlineOnly: true));
        Assert.Equal(["u3", "u5"], online.Users.Select(u => u.UserId));
        var stats = await Workspace.GetStats();
        Assert.Equal((4, 0, 5), (stats.OnlineUsers, stats.AwayUsers, stats.Members));
    }

    [Fact]
    public async Task The_presence_service_answers_as_the_seed_describes()
    {
        var service = new PresenceService(Client);

        await service.SetUserOnline(_workspaceId, "alice", "c1", "edge-s");
        await service.UpdateUserPage(_workspaceId, "alice", "/analytics");

        Assert.True(await service.IsUserOnline(_workspaceId, "alice"));
        Assert.False(await service.IsUserOnline(_workspaceId, "nobody"));
        Assert.Equal("/analytics", (await service.GetUserPresence(_workspaceId, "alice"))!.CurrentPage);
        Assert.Equal(["alice"], (await service.GetWorkspacePresence(_workspaceId)).Users.Select(u => u.UserId));
        Assert.Equal(0, await service.CleanupStalePresence(_workspaceId));
        await service.SetUserOffline(_workspaceId, "alice", "c1");
        Assert.False(await service.IsUserOnline(_workspaceId, "alice"));
        await Assert.ThrowsAsync<ArgumentException>(() => service.GetUserPresence("bad/workspace", "alice"));
    }

    [Fact]
    public async Task A_user_never_seen_has_no_presence()
    {
        Assert.Null(await PresenceOf("nobody").GetPresence());
        Assert.Empty((await Workspace.GetPresence(AllMembers)).Users);
    }

    [Fact]
    public async Task Presence_and_workspace_state_survive_deactivation()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));
        await alice.Navigate("/calendar");

        await alice.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Workspace.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var presence = await alice.GetPresence();
        Assert.NotNull(presence);
        Assert.Equal(PresenceStatus.Online, presence.Status);
        Assert.Equal("/calendar", presence.CurrentPage);
        Assert.Equal(new Dictionary<string, int> { [edge.EdgeId] = 1 }, await Workspace.GetEdges());

        // The reactivated grains still know the edge: the offline reaches it.
        await PresenceOf("bob").Connect(new EdgeConnection("b1", edge.EdgeId));
        await alice.Disconnect("c1");
        await edge.Events.WaitForAsync(e => e.UpdateFor("alice")?.Status == PresenceStatus.Offline, "alice offline after reactivation");
    }

    [Fact]
    public async Task The_configured_reminder_service_fires_reminders()
    {
        var probe = Client.GetGrain<IReminderProbeGrain>($"probe-{Guid.NewGuid():N}");
        await probe.Start(TimeSpan.FromMilliseconds(500));

        await Eventually.UntilAsync(probe.GetTicks, ticks => ticks >= 2, "two reminder ticks", TimeSpan.FromSeconds(30));
        await probe.Stop();
    }

    [Fact]
    public async Task A_workspace_back_from_state_written_before_a_departure_learns_it_from_the_presence_grain()
    {
        await PresenceOf("alice").Connect(new EdgeConnection("a1", "edge-a"));
        await PresenceOf("alice").Disconnect("a1");
        await PresenceOf("bob").Connect(new EdgeConnection("b1", "edge-a"));
        await Eventually.UntilAsync(
            () => Workspace.GetPresence(AllMembers),
            p => p.Users.Count == 2 && p.Users.Single(u => u.UserId == "alice").Status == PresenceStatus.Offline,
            "alice gone, bob online");
        await GrainActivations.DeactivateAsync(Client, Workspace);

        // As if the workspace's silo died before it wrote alice's departure: its stored state still has her online.
        var storage = cluster.Silos.OfType<InProcessSiloHandle>().First().SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Realtime);
        var stored = new GrainState<WorkspaceState>(new WorkspaceState());
        await storage.ReadStateAsync("workspace", Workspace.GetGrainId(), stored);
        var alice = stored.State!.Members["alice"];
        stored.State.Members["alice"] = new WorkspaceMember(
            alice.Presence with { Status = PresenceStatus.Online, ConnectionCount = 1 },
            new Dictionary<string, int> { ["edge-a"] = 1 });
        await storage.WriteStateAsync("workspace", Workspace.GetGrainId(), stored);

        var members = await Eventually.UntilAsync(
            () => Workspace.GetPresence(AllMembers),
            p => p.Users.Single(u => u.UserId == "alice").Status == PresenceStatus.Offline,
            "the workspace back from its stale state shows alice offline");
        Assert.Equal(PresenceStatus.Online, members.Users.Single(u => u.UserId == "bob").Status);
        Assert.Equal(new Dictionary<string, int> { ["edge-a"] = 1 }, await Workspace.GetEdges());
    }

    [Fact]
    public async Task An_edge_that_missed_events_gets_broadcasts_as_sent_and_presence_as_it_is_now_in_order()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("alice").Connect(new EdgeConnection("a1", edge.EdgeId));
        var join = await edge.Events.WaitForAsync(e => e.Deliveries.Any(d => d.Audience.ConnectionId == "a1"), "alice's join");
        var from = join.Position!;

        await Workspace.Broadcast("test:feed", new RawJson("""{"seq":1}"""));
        await PresenceOf("bob").Connect(new EdgeConnection("b1", "elsewhere"));
        await PresenceOf("bob").Navigate("/first");
        await PresenceOf("bob").Navigate("/inbox");
        await Workspace.Broadcast("test:feed", new RawJson("""{"seq":2}"""));
        var last = await edge.Events.WaitForAsync(e => e.EventName == "test:feed" && Seq(e) == 2, "the second broadcast");

        Assert.Equal(new FeedHead(from.Epoch, last.Position!.Sequence), await Workspace.GetFeedHead(edge.EdgeId));
        Assert.All(edge.Events.Snapshot(), e => Assert.Equal(from.Epoch, e.Position!.Epoch));
        var links = edge.Events.Snapshot().Select(e => e.Position!).ToList();
        Assert.All(links.Skip(1).Zip(links), pair => Assert.Equal(pair.Second.Sequence, pair.First.Previous));

        var catchUp = await Workspace.CatchUp(edge.EdgeId, from.Epoch, from.Sequence, long.MaxValue, currentPresence: false);
        Assert.True(catchUp.Complete);
        Assert.Equal(["test:feed", "test:feed", RealtimeEvents.PresenceUpdate], catchUp.Events.Select(e => e.EventName));
        Assert.Equal([1, 2], catchUp.Events.Where(e => e.EventName == "test:feed").Select(Seq));
        Assert.Equal("/inbox", Assert.Single(catchUp.Events[^1].Payloads<WorkspacePresence>(RealtimeEvents.PresenceUpdate).Single().Users).CurrentPage);
        Assert.All(catchUp.Events, e => Assert.Null(e.Position));

        var firstOnly = await Workspace.CatchUp(edge.EdgeId, from.Epoch, from.Sequence, from.Sequence + 1, currentPresence: false);
        Assert.Equal([1], firstOnly.Events.Select(Seq));
    }

    [Fact]
    public async Task An_edge_asking_about_an_earlier_activation_gets_its_broadcasts_from_the_log_and_the_presence_as_it_is_now_when_it_asks()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("alice").Connect(new EdgeConnection("a1", edge.EdgeId));
        await PresenceOf("bob").Connect(new EdgeConnection("b1", edge.EdgeId));
        await PresenceOf("bob").Disconnect("b1");
        await Workspace.Broadcast("test:feed", new RawJson("""{"seq":1}"""));
        var earlier = await Workspace.GetFeedHead(edge.EdgeId);
        await GrainActivations.DeactivateAsync(Client, Workspace);

        var broadcasts = await Workspace.CatchUp(edge.EdgeId, earlier.Epoch, 0, long.MaxValue, currentPresence: false);
        var withPresence = await Workspace.CatchUp(edge.EdgeId, earlier.Epoch, earlier.Sequence, long.MaxValue, currentPresence: true);
        var unknown = await Workspace.CatchUp(edge.EdgeId, earlier.Epoch + 1, 0, long.MaxValue, currentPresence: false);

        Assert.NotEqual(earlier.Epoch, broadcasts.Head.Epoch);
        Assert.True(broadcasts.Complete);
        var replayed = Assert.Single(broadcasts.Events);
        Assert.Equal((1, new FeedPosition(_workspaceId, earlier.Epoch, earlier.Sequence, 0)), (Seq(replayed), replayed.Position));
        var update = Assert.Single(withPresence.Events);
        Assert.Equal(EventAudience.InGroup(_workspaceId, InterestGroups.Presence), Assert.Single(update.Deliveries).Audience);
        var users = update.Payloads<WorkspacePresence>(RealtimeEvents.PresenceUpdate).Single().Users;
        Assert.Equal([("alice", PresenceStatus.Online), ("bob", PresenceStatus.Offline)], users.Select(u => (u.UserId, u.Status)));
        Assert.Empty(unknown.Events);
    }

    private static int Seq(EdgeEvent evt) =>
        System.Text.Json.JsonDocument.Parse(((RawJson)evt.Deliveries[0].Payload).Json).RootElement.GetProperty("seq").GetInt32();

    private static PresencePage AllMembers => new(null, PresencePage.MaxLimit, OnlineOnly: false);

    private IUserPresenceGrain PresenceOf(string userId) =>
        Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));
}

[Trait("Kind", "System")]
[Collection(InMemoryClusterCollection.Name)]
public sealed class InMemoryPresenceGrainTests(InMemoryClusterFixture fixture) : PresenceGrainTests(fixture.Cluster);

[Trait("Kind", "System")]
[Collection(RedisClusterCollection.Name)]
public sealed class RedisPresenceGrainTests(RedisClusterFixture fixture) : PresenceGrainTests(fixture.Cluster);
