namespace Realtime.Grains.Edges;

/// <summary>
/// The lease of one edge process. The edge renews it; when it lapses (the edge died without
/// saying goodbye) the grain evicts the edge's connections from every workspace it served.
/// Key: the edge id.
/// </summary>
[Alias("realtime.IEdgeGrain")]
public interface IEdgeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Extends the lease by <paramref name="leaseDuration"/> and reports the edge's connection
    /// count for the cluster stats. Returns true when the lease had
    /// lapsed and the edge's connections were evicted: the edge must register them again.
    /// </summary>
    [Alias("Renew")]
    Task<bool> Renew(TimeSpan leaseDuration, int connections);

    /// <summary>A workspace has connections on this edge (called by the workspace grain once per edge).</summary>
    [Alias("TrackWorkspace")]
    Task TrackWorkspace(string workspaceId);

    /// <summary>The edge is stopping cleanly: end the lease now.</summary>
    [Alias("Leave")]
    Task Leave();
}
