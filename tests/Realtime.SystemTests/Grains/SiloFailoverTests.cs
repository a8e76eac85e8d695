using Orleans.TestingHost;
using Realtime.Grains;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Workspaces;

namespace Realtime.SystemTests.Grains;

/// <summary>A cluster of its own (it loses a silo): 2 silos on Redis storage, clustering and reminders.</summary>
public sealed class FailoverClusterFixture : RealtimeTestClusterFixture
{
    protected override string? RedisConnectionString => RedisServer.ConnectionString;
}

/// <summary>The silo hosting a grain leaves; its state is intact on the other silo afterwards.</summary>
[Trait("Kind", "System")]
public sealed class SiloFailoverTests(FailoverClusterFixture fixture) : IClassFixture<FailoverClusterFixture>
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Presence_is_intact_after_the_silo_hosting_the_workspace_stops()
    {
        await EnsureTwoSilosAsync();
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Cluster.Client);
        await PresenceOf("alice").Connect(new EdgeConnection("a1", edge.EdgeId));
        await PresenceOf("alice").Navigate("/campaigns");
        await PresenceOf("bob").Connect(new EdgeConnection("b1", edge.EdgeId));
        await PresenceOf("bob").Connect(new EdgeConnection("b2", edge.EdgeId));
        var before = await Workspace.GetPresence(new PresencePage(null, 10, OnlineOnly: false));

        var host = await SiloHostingAsync(Workspace);
        await Cluster.StopSiloAsync(Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));

        var after = await Eventually.SucceedsAsync(() => Workspace.GetPresence(new PresencePage(null, 10, OnlineOnly: false)));
        Assert.Equal(before.Users, after.Users);
        Assert.Equal(new Dictionary<string, int> { [edge.EdgeId] = 3 }, await Workspace.GetEdges());
        var bob = await PresenceOf("bob").GetPresence();
        Assert.Equal((PresenceStatus.Online, 2), (bob!.Status, bob.ConnectionCount));

        // And it still reaches the edge: bob's last tab closing is seen.
        await PresenceOf("bob").Disconnect("b1");
        await PresenceOf("bob").Disconnect("b2");
        await edge.Events.WaitForAsync(e => e.UpdateFor("bob")?.Status == PresenceStatus.Offline, "bob offline after failover");
    }

    [Fact]
    public async Task Notifications_and_read_state_survive_the_silo_hosting_them_stopping()
    {
        await EnsureTwoSilosAsync();
        var service = new NotificationService(Cluster.Client);
        var first = await service.SendMentionNotification("alice", _workspaceId, "bob", "one");
        await service.SendMessageNotification("alice", _workspaceId, "bob", "two");
        var inbox = Cluster.Client.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(_workspaceId, "alice"));
        await inbox.MarkRead(first.Id);
        var before = await inbox.List(null, 10, unreadOnly: false);

        var host = await SiloHostingAsync(inbox);
        await Cluster.StopSiloAsync(Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));

        var after = await Eventually.SucceedsAsync(() => inbox.List(null, 10, unreadOnly: false));
        Assert.Equal(before.Notifications, after.Notifications);
        Assert.Equal(1, after.UnreadCount);
        var third = await service.SendNotification("alice", _workspaceId, NotificationTypes.System, "three", "");
        Assert.Equal(3, long.Parse(third.Id.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_broadcast_is_still_there_for_an_edge_after_the_silo_of_the_activation_that_sent_it_stops()
    {
        await EnsureTwoSilosAsync();
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Cluster.Client);
        await using var elsewhere = await EdgeStreamProbe.SubscribeAsync(Cluster.Client);
        await PresenceOf("alice").Connect(new EdgeConnection("a1", edge.EdgeId));
        await Workspace.Broadcast("test:logged", new RawJson("""{"n":1}"""));
        var sent = await edge.Events.WaitForAsync(e => e.EventName == "test:logged", "the broadcast");
        var position = sent.Position!;

        var host = await SiloHostingAsync(Workspace);
        await Cluster.StopSiloAsync(Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));

        // The activation that sent it is gone with its memory; the one that takes over reads the broadcast log.
        var catchUp = await Eventually.SucceedsAsync(() => Workspace.CatchUp(edge.EdgeId, position.Epoch, position.Sequence - 1, long.MaxValue, currentPresence: false));
        Assert.NotEqual(position.Epoch, catchUp.Head.Epoch);
        Assert.True(catchUp.Complete);
        var replayed = Assert.Single(catchUp.Events);
        Assert.Equal(("test:logged", position with { Previous = 0 }), (replayed.EventName, replayed.Position));
        Assert.Equal(Assert.IsType<RawJson>(Assert.Single(sent.Deliveries).Payload).Json, Assert.IsType<RawJson>(Assert.Single(replayed.Deliveries).Payload).Json);

        // An edge it was not sent to is not given it; nor is an edge that had it up to its sequence.
        Assert.Empty((await Workspace.CatchUp(elsewhere.EdgeId, position.Epoch, 0, long.MaxValue, currentPresence: false)).Events);
        Assert.Empty((await Workspace.CatchUp(edge.EdgeId, position.Epoch, position.Sequence, long.MaxValue, currentPresence: false)).Events);
    }

    private async Task EnsureTwoSilosAsync()
    {
        if (Cluster.Silos.Count < 2)
        {
            await Cluster.StartAdditionalSiloAsync();
        }
    }

    private async Task<SiloAddress> SiloHostingAsync(IAddressable grain)
    {
        var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Single(s => s.GrainId == grain.GetGrainId()).SiloAddress;
    }

    private IWorkspaceGrain Workspace => Cluster.Client.GetGrain<IWorkspaceGrain>(_workspaceId);

    private IUserPresenceGrain PresenceOf(string userId) =>
        Cluster.Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));
}
