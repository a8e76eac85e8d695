using Orleans.Concurrency;

namespace Realtime.Grains.Broadcasting;

/// <summary>
/// Cluster-wide counts, fed one-way by edge leases (connections per edge) and workspace grains
/// (connections and online users per workspace), plus the list of live edges for broadcasts to
/// everyone. Soft state: rebuilt within one lease renewal after a restart. Key: 0.
/// </summary>
[Alias("realtime.IClusterStatsGrain")]
public interface IClusterStatsGrain : IGrainWithIntegerKey
{
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
