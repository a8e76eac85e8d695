using Realtime.Grains.Broadcasting;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// Recovery after a brief disconnect on the production-shaped cluster (Redis, two silos, two edges,
/// processes as deploy/local/cluster.sh starts them): a client whose edge is killed with SIGKILL
/// comes back on the other edge with its last position and gets every broadcast it missed, in
/// order, once; a client whose workspace's silo is killed (its history in memory gone with it) is
/// told it did not recover, and the presence it gets never shows a teammate who left meanwhile.
/// </summary>
[Trait("Kind", "System")]
public sealed class RecoveryFaultTests
{
    private const string EventName = "test:fault";

    // Death declared ~5 s after the kill, the workspace grain back on the other silo.
    private static readonly TimeSpan SiloRecovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_client_of_a_killed_edge_recovers_every_broadcast_it_missed_on_the_other_edge()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2, edges: 2);
        var realtime = new RealtimeService(cluster.Client);
        await using var bob = await ConnectAsync(cluster.EdgeUrls[1], "bob");
        var alice = await ConnectAsync(cluster.EdgeUrls[0], "alice");
        for (var seq = 1; seq <= 20; seq++)
        {
            await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, EventName, new { seq });
        }

        var position = (await alice.Events.WaitForAsync(e => Seq(e) == 20, "the first twenty")).Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await cluster.KillEdgeAsync(0);

        for (var seq = 21; seq <= 60; seq++)
        {
            await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, EventName, new { seq });
        }

        await using var back = await ConnectAsync(cluster.EdgeUrls[1], "alice", position);
        Assert.True(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        for (var seq = 61; seq <= 80; seq++)
        {
            await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, EventName, new { seq });
        }

        await back.Events.WaitForAsync(e => Seq(e) == 80, "the missed and the live ones", TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(21, 60), back.Events.Snapshot().Where(e => e.Name == EventName).Select(Seq));
        await alice.DisposeAsync();
    }

    [Fact]
    public async Task A_client_whose_workspace_silo_was_killed_is_told_it_did_not_recover_and_never_sees_who_left_as_online()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2, edges: 1);
        var realtime = new RealtimeService(cluster.Client);
        await using var bob = await ConnectAsync(cluster.EdgeUrls[0], "bob");
        var carol = await ConnectAsync(cluster.EdgeUrls[0], "carol");
        var alice = await ConnectAsync(cluster.EdgeUrls[0], "alice");
        await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, EventName, new { seq = 1 });
        var position = (await alice.Events.WaitForAsync(e => Seq(e) == 1, "the broadcast")).Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await alice.DisposeAsync();

        var workspace = cluster.Client.GetGrain<IWorkspaceGrain>(FaultTraffic.WorkspaceId);
        await cluster.KillSiloAsync(await cluster.SiloHostingAsync(workspace));
        await carol.DisposeAsync();

        // Back once the workspace answers from its new activation, without carol.
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    return string.Join(",", (await workspace.GetConnectedUserIds().WaitAsync(FaultTraffic.AttemptTimeout)).Order(StringComparer.Ordinal));
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException)
                {
                    return "unknown";
                }
            },
            ids => ids != "unknown" && !ids.Contains("carol", StringComparison.Ordinal),
            "the workspace back without carol",
            SiloRecovery);

        await using var back = await ConnectAsync(cluster.EdgeUrls[0], "alice", position);
        var first = back.Events.Snapshot()[0];
        Assert.Equal("connected", first.Name);
        Assert.False(first.Payload.GetProperty("recovered").GetBoolean());
        await back.WaitForPresenceAsync("alice", "online");
        Assert.DoesNotContain(back.Events.Snapshot(), e => e.Name == "presence:update" && e.Payload.GetProperty("users").EnumerateArray().Any(u =>
            u.GetProperty("userId").GetString() == "carol" && u.GetProperty("status").GetString() == "online"));
        Assert.DoesNotContain(back.Events.Snapshot(), e => e.Name == EventName);
    }

    private static async Task<TestClient> ConnectAsync(Uri edge, string userId, string? recover = null)
    {
        var client = await TestClient.ConnectAsync(
            edge, FaultTraffic.Token(userId), FaultTraffic.WorkspaceId, "/realtime", recover is null ? null : $"recover={Uri.EscapeDataString(recover)}", record: [EventName]);
        await client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} connected");
        return client;
    }

    private static int Seq(ReceivedEvent e) => e.Name == EventName ? e.Payload.GetProperty("seq").GetInt32() : 0;
}
