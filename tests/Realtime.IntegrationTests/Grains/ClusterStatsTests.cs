using Orleans.TestingHost;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Edges;
using Realtime.Grains.Presence;

namespace Realtime.IntegrationTests.Grains;

/// <summary>
/// The cluster stats with many reporters on 2 silos: each silo rolls up what its grains report,
/// the totals of `GET /realtime/stats` stay exact, and the one stats grain takes a call per silo
/// per roll-up interval instead of one per report.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class ClusterStatsTests(StatsClusterFixture fixture) : IClassFixture<StatsClusterFixture>
{
    private const int EdgeCount = 120;
    private const int EdgesWithConnections = 80;
    private const int WorkspaceCount = 200;
    private const int BroadcastCount = 300;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(10);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private TestCluster Cluster => fixture.Cluster;

    private IClusterStatsGrain Stats => Cluster.Client.GetGrain<IClusterStatsGrain>(0);

    [Fact]
    public async Task Totals_stay_right_with_many_edges_workspaces_and_broadcasts_reporting()
    {
        var edges = Enumerable.Range(0, EdgeCount).Select(i => $"edge{i:D3}-{_run}").ToList();
        var presence = new PresenceService(Cluster.Client);
        var broadcasts = new RealtimeService(Cluster.Client);
        var random = new Random(7);

        // Edges start: each takes its lease (reported at once), then its users connect.
        var reported = edges.ToDictionary(e => e, _ => 0, StringComparer.Ordinal);
        await Parallel.ForEachAsync(edges, async (edge, _) => await Lease(edge).Renew(LeaseDuration, 0));
        var connections = new List<(string Workspace, string User, string Connection)>();
        for (var w = 0; w < WorkspaceCount; w++)
        {
            for (var u = 0; u <= w % 4; u++)
            {
                connections.Add(($"ws{w:D3}-{_run}", $"u{u}", $"c{w}-{u}"));
            }
        }

        await Parallel.ForEachAsync(connections, async (c, _) =>
            await presence.SetUserOnline(c.Workspace, c.User, c.Connection, edges[Math.Abs(c.Connection.GetHashCode(StringComparison.Ordinal)) % EdgesWithConnections]));
        var baseline = await Stats.GetStats();

        // Under way: every edge renews with its count, a quarter of the users leave, backends broadcast.
        var before = StatsClusterFixture.StatsGrainCalls.Snapshot();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var edge in edges)
        {
            reported[edge] = random.Next(0, 500);
        }

        var leaving = connections.Where((_, i) => i % 4 == 0).ToList();
        await Task.WhenAll(
            Parallel.ForEachAsync(edges, async (edge, _) => await Lease(edge).Renew(LeaseDuration, reported[edge])),
            Parallel.ForEachAsync(leaving, async (c, _) => await presence.SetUserOffline(c.Workspace, c.User, c.Connection)),
            Parallel.ForEachAsync(Enumerable.Range(0, BroadcastCount), async (i, _) =>
                await broadcasts.BroadcastToWorkspace(connections[i % connections.Count].Workspace, "stats:test", new { i })));
        var staying = connections.Except(leaving).ToList();
        var expected = new ClusterStats(
            reported.Values.Sum(),
            staying.Count,
            staying.Select(c => c.Workspace).Distinct(StringComparer.Ordinal).Count(),
            baseline.EventsBroadcast + BroadcastCount,
            EdgeCount);
        await Eventually.UntilAsync(() => Stats.GetStats(), s => s == expected, $"the stats to be {expected}");
        var elapsed = clock.Elapsed;

        // Reports only: the reads are this test's polling.
        var calls = GrainCallCounter.Between(before, StatsClusterFixture.StatsGrainCalls.Snapshot())
            .Where(c => c.Key is not nameof(IClusterStatsGrain.GetStats) and not nameof(IClusterStatsGrain.GetLiveEdges))
            .ToList();

        // At least one report per renewal, per workspace changed and per broadcast went into the roll-ups.
        var reports = EdgeCount + leaving.Select(c => c.Workspace).Distinct(StringComparer.Ordinal).Count() + BroadcastCount;
        var rollUpsAllowed = Cluster.Silos.Count * ((int)Math.Ceiling(elapsed.TotalSeconds / new StatsOptions().RollupInterval.TotalSeconds) + 1);
        Assert.True(
            calls.Sum(c => c.Value) <= rollUpsAllowed,
            $"the stats grain took {string.Join(", ", calls)} in {elapsed.TotalSeconds:F1} s for {reports} reports; at most {rollUpsAllowed} roll-ups expected");

        // A third of the edges stop, and a workspace's last users leave.
        var stopping = edges.Skip(EdgesWithConnections).Take(EdgeCount / 3).ToList();
        await Parallel.ForEachAsync(stopping, async (edge, _) => await Lease(edge).Leave());
        var emptied = staying.Where(c => c.Workspace == staying[0].Workspace).ToList();
        foreach (var c in emptied)
        {
            await presence.SetUserOffline(c.Workspace, c.User, c.Connection);
        }

        var remaining = staying.Except(emptied).ToList();
        expected = expected with
        {
            TotalConnections = reported.Where(r => !stopping.Contains(r.Key)).Sum(r => r.Value),
            OnlineUsers = remaining.Count,
            Workspaces = remaining.Select(c => c.Workspace).Distinct(StringComparer.Ordinal).Count(),
            Edges = EdgeCount - stopping.Count,
        };
        await Eventually.UntilAsync(() => Stats.GetStats(), s => s == expected, $"the stats to be {expected}");
        Assert.DoesNotContain(await Stats.GetLiveEdges(), stopping.Contains);
    }

    [Fact]
    public async Task A_report_delayed_in_another_silos_roll_up_does_not_undo_a_newer_one()
    {
        // A stats grain of its own key: the cluster's (key 0) totals stay as the other test expects them.
        var stats = Cluster.Client.GetGrain<IClusterStatsGrain>(1);
        var now = DateTimeOffset.UtcNow;

        // A workspace reported 4 users on its new silo; the report from its old silo, older, comes after.
        await stats.Roll(Rollup(new WorkspaceReport("moved", 4, 4, now)));
        await stats.Roll(Rollup(new WorkspaceReport("moved", 9, 7, now - TimeSpan.FromSeconds(2))));
        Assert.Equal((4, 1), await OnlineAndWorkspaces(stats));

        // Emptied, then an older non-empty report: still empty.
        await stats.Roll(Rollup(new WorkspaceReport("moved", 0, 0, now + TimeSpan.FromSeconds(1))));
        await stats.Roll(Rollup(new WorkspaceReport("moved", 4, 4, now)));
        Assert.Equal((0, 0), await OnlineAndWorkspaces(stats));

        // An edge renewed (later lease), then an earlier renewal arrives: the later count stays.
        await stats.Roll(Rollup(new EdgeReport("edge-a", 30, now + TimeSpan.FromMinutes(2), Left: false)));
        await stats.Roll(Rollup(new EdgeReport("edge-a", 10, now + TimeSpan.FromMinutes(1), Left: false)));
        Assert.Equal(30, (await stats.GetStats()).TotalConnections);

        // The edge left; its last renewal under the same lease, delayed, does not bring it back.
        await stats.Roll(Rollup(new EdgeReport("edge-a", 0, now + TimeSpan.FromMinutes(2), Left: true)));
        await stats.Roll(Rollup(new EdgeReport("edge-a", 30, now + TimeSpan.FromMinutes(2), Left: false)));
        Assert.Empty(await stats.GetLiveEdges());

        // An edge evicted and back (its new lease is later) is live again.
        await stats.Roll(Rollup(new EdgeReport("edge-a", 12, now + TimeSpan.FromMinutes(3), Left: false)));
        Assert.Equal(["edge-a"], await stats.GetLiveEdges());
        Assert.Equal(12, (await stats.GetStats()).TotalConnections);
    }

    private static StatsRollup Rollup(WorkspaceReport report) => new([], [report], 0);

    private static StatsRollup Rollup(EdgeReport report) => new([report], [], 0);

    private static async Task<(int Online, int Workspaces)> OnlineAndWorkspaces(IClusterStatsGrain stats)
    {
        var s = await stats.GetStats();
        return (s.OnlineUsers, s.Workspaces);
    }

    private IEdgeGrain Lease(string edgeId) => Cluster.Client.GetGrain<IEdgeGrain>(edgeId);
}
