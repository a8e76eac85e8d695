using Orleans.Concurrency;

namespace Realtime.Grains.Broadcasting;

/// <summary>
/// Cluster-wide counts: connections per edge (reported with lease renewals), connections and
/// online users per workspace, broadcasts; plus the list of live edges for broadcasts to
/// everyone. Each silo rolls up what its grains report and sends it here once per
/// Stats:RollupInterval, so this one grain's load does not grow with edges and workspaces.
/// Soft state: rebuilt from later reports after a restart. Key: 0.
/// </summary>
[Alias("realtime.IClusterStatsGrain")]
public interface IClusterStatsGrain : IGrainWithIntegerKey
{
    /// <summary>One silo's reports since its last roll-up (or, for a new edge, its first lease at once).</summary>
    [Alias("Roll")]
    Task Roll(StatsRollup rollup);

    // ReportEdge, RemoveEdge, ReportWorkspace and CountBroadcasts: silos of the previous version call
    // these during a rolling upgrade; this version's silos send roll-ups only.
    [Alias("ReportEdge"), OneWay]
    Task ReportEdge(string edgeId, int connections, DateTimeOffset leaseUntil);

    [Alias("RemoveEdge"), OneWay]
    Task RemoveEdge(string edgeId);

    [Alias("ReportWorkspace"), OneWay]
    Task ReportWorkspace(string workspaceId, int connections, int onlineUsers);

    [Alias("CountBroadcasts"), OneWay]
    Task CountBroadcasts(long events);

    [Alias("GetStats"), ReadOnly]
    Task<ClusterStats> GetStats();

    [Alias("GetLiveEdges"), ReadOnly]
    Task<IReadOnlyList<string>> GetLiveEdges();
}
