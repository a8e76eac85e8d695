using Orleans.TestingHost;
using Realtime.Grains;
using Realtime.Grains.Presence;
using Realtime.Grains.Workspaces;
using Realtime.Tests.Infrastructure;

namespace Realtime.Tests.Grains;

/// <summary>A cluster of its own (it loses a silo): 2 silos on Redis storage, clustering and reminders.</summary>
public sealed class FailoverClusterFixture : RealtimeTestClusterFixture
{
    protected override string? RedisConnectionString => RedisServer.ConnectionString;
}

/// <summary>The silo hosting a workspace's grains leaves; presence is intact on the other silo afterwards.</summary>
public sealed class SiloFailoverTests(FailoverClusterFixture fixture) : IClassFixture<FailoverClusterFixture>
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Presence_is_intact_after_the_silo_hosting_the_workspace_stops()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Cluster.Client);
        await PresenceOf("alice").Connect(new EdgeConnection("a1", edge.EdgeId));
        await PresenceOf("alice").Navigate("/campaigns");
        await PresenceOf("bob").Connect(new EdgeConnection("b1", edge.EdgeId));
        await PresenceOf("bob").Connect(new EdgeConnection("b2", edge.EdgeId));
        var before = await Workspace.GetPresence(new PresencePage(null, 10, OnlineOnly: false));

        var host = await SiloHostingAsync(Workspace);
        await Cluster.StopSiloAsync(Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));

        var after = await Workspace.GetPresence(new PresencePage(null, 10, OnlineOnly: false));
        Assert.Equal(before.Users, after.Users);
        Assert.Equal(new Dictionary<string, int> { [edge.EdgeId] = 3 }, await Workspace.GetEdges());
        var bob = await PresenceOf("bob").GetPresence();
        Assert.Equal((PresenceStatus.Online, 2), (bob!.Status, bob.ConnectionCount));

        // And it still reaches the edge: bob's last tab closing is seen.
        await PresenceOf("bob").Disconnect("b1");
        await PresenceOf("bob").Disconnect("b2");
        await edge.Events.WaitForAsync(e => e.UpdateFor("bob")?.Status == PresenceStatus.Offline, "bob offline after failover");
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
