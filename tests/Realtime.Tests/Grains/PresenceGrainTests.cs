using Orleans.Core.Internal;
using Orleans.TestingHost;
using Realtime.Grains;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;
using Realtime.Tests.Infrastructure;

namespace Realtime.Tests.Grains;

/// <summary>Presence and workspace grains on a 2-silo cluster; run on in-memory and on Redis providers.</summary>
public abstract class PresenceGrainTests(TestCluster cluster)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private IClusterClient Client => cluster.Client;

    [Fact]
    public async Task First_connection_makes_the_user_online_and_tells_the_workspace_edges()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);

        var presence = await PresenceOf("alice").Connect(new EdgeConnection("c1", edge.EdgeId));

        Assert.Equal(PresenceStatus.Online, presence.Status);
        Assert.Equal(1, presence.ConnectionCount);
        var update = await edge.Events.WaitForAsync(e => UpdateFor(e, "alice")?.Status == PresenceStatus.Online, "alice online on the edge");
        Assert.Equal(RealtimeEvents.PresenceUpdate, update.EventName);
        Assert.Equal(EventAudience.Workspace(_workspaceId), update.Audience);
        Assert.True(update.Hubs.HasFlag(RealtimeHubs.Realtime));

        var workspace = await Workspace.GetPresence();
        Assert.Equal(PresenceStatus.Online, Assert.Single(workspace.Users).Status);
        Assert.Equal(new Dictionary<string, int> { [edge.EdgeId] = 1 }, await Workspace.GetEdges());
    }

    [Fact]
    public async Task More_tabs_do_not_flap_and_the_last_tab_closing_makes_the_user_offline()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");

        await alice.Connect(new EdgeConnection("tab1", edge.EdgeId));
        await alice.Connect(new EdgeConnection("tab2", edge.EdgeId));
        var afterFirstClose = await alice.Disconnect("tab1");
        Assert.Equal(PresenceStatus.Online, afterFirstClose.Status);
        Assert.Equal(1, afterFirstClose.ConnectionCount);

        // A watcher on a second edge stays to see the offline (the closing edge holds no connection any more).
        await using var watcherEdge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("bob").Connect(new EdgeConnection("bob1", watcherEdge.EdgeId));
        var last = await alice.Disconnect("tab2");

        Assert.Equal(PresenceStatus.Offline, last.Status);
        await watcherEdge.Events.WaitForAsync(e => UpdateFor(e, "alice")?.Status == PresenceStatus.Offline, "alice offline");
        var aliceUpdatesOnFirstEdge = edge.Events.Snapshot().Select(e => UpdateFor(e, "alice")).OfType<UserPresence>().ToList();
        Assert.Equal([PresenceStatus.Online], aliceUpdatesOnFirstEdge.Select(p => p.Status));
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
        Assert.DoesNotContain(edge.Events.Snapshot(), e => UpdateFor(e, "alice")?.Status == PresenceStatus.Offline);
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

        await edgeOfThisWorkspace.Events.WaitForAsync(e => UpdateFor(e, "alice") is not null, "alice's update");
        await edgeOfAnotherWorkspace.Events.WaitForAsync(e => e.Audience.WorkspaceId == otherWorkspaceId, "zoe's update");
        Assert.All(edgeOfAnotherWorkspace.Events.Snapshot(), e => Assert.Equal(otherWorkspaceId, e.Audience.WorkspaceId));
        Assert.All(edgeOfThisWorkspace.Events.Snapshot(), e => Assert.Equal(_workspaceId, e.Audience.WorkspaceId));
    }

    [Fact]
    public async Task Navigating_records_the_page_and_tells_the_workspace()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var alice = PresenceOf("alice");
        await alice.Connect(new EdgeConnection("c1", edge.EdgeId));

        var presence = await alice.Navigate("/inbox");

        Assert.Equal("/inbox", presence.CurrentPage);
        await edge.Events.WaitForAsync(e => UpdateFor(e, "alice")?.CurrentPage == "/inbox", "the page change");
        Assert.Equal("/inbox", Assert.Single((await Workspace.GetPresence()).Users).CurrentPage);
    }

    [Fact]
    public async Task A_user_never_seen_has_no_presence()
    {
        Assert.Null(await PresenceOf("nobody").GetPresence());
        Assert.Empty((await Workspace.GetPresence()).Users);
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
        await edge.Events.WaitForAsync(e => UpdateFor(e, "alice")?.Status == PresenceStatus.Offline, "alice offline after reactivation");
    }

    [Fact]
    public async Task The_configured_reminder_service_fires_reminders()
    {
        var probe = Client.GetGrain<IReminderProbeGrain>($"probe-{Guid.NewGuid():N}");
        await probe.Start(TimeSpan.FromMilliseconds(500));

        await Eventually.UntilAsync(probe.GetTicks, ticks => ticks >= 2, "two reminder ticks", TimeSpan.FromSeconds(30));
        await probe.Stop();
    }

    private IWorkspaceGrain Workspace => Client.GetGrain<IWorkspaceGrain>(_workspaceId);

    private IUserPresenceGrain PresenceOf(string userId) =>
        Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));

    private static UserPresence? UpdateFor(EdgeEvent evt, string userId) =>
        evt is { EventName: RealtimeEvents.PresenceUpdate, Payload: WorkspacePresence update }
            ? update.Users.FirstOrDefault(u => u.UserId == userId)
            : null;
}

[Collection(InMemoryClusterCollection.Name)]
public sealed class InMemoryPresenceGrainTests(InMemoryClusterFixture fixture) : PresenceGrainTests(fixture.Cluster);

[Collection(RedisClusterCollection.Name)]
public sealed class RedisPresenceGrainTests(RedisClusterFixture fixture) : PresenceGrainTests(fixture.Cluster);
