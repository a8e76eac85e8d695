namespace Realtime.Grains.Broadcasting;

/// <summary>
/// What the grains of one silo reported for the cluster stats since its last roll-up: the latest
/// report of each edge and workspace, and the broadcasts counted.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.StatsRollup")]
public sealed record StatsRollup(
    [property: Id(0)] IReadOnlyList<EdgeReport> Edges,
    [property: Id(1)] IReadOnlyList<WorkspaceReport> Workspaces,
    [property: Id(2)] long EventsBroadcast)
{
    public bool IsEmpty => Edges.Count == 0 && Workspaces.Count == 0 && EventsBroadcast == 0;
}

/// <summary>An edge's connection count as of a lease renewal, or (<see cref="Left"/>) the end of its lease.</summary>
[GenerateSerializer, Immutable, Alias("realtime.EdgeReport")]
public sealed record EdgeReport(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] int Connections,
    [property: Id(2)] DateTimeOffset LeaseUntil,
    [property: Id(3)] bool Left)
{
    /// <summary>
    /// Whether this report replaces <paramref name="other"/>. Each renewal extends the lease, so the
    /// later lease is the later report whichever silo's roll-up brought it; under the same lease
    /// the edge leaving wins.
    /// </summary>
    public bool Supersedes(EdgeReport? other) =>
        other is null || LeaseUntil > other.LeaseUntil || (LeaseUntil == other.LeaseUntil && (Left || !other.Left));
}

/// <summary>A workspace's connections and online users when it reported them (the workspace grain's clock).</summary>
[GenerateSerializer, Immutable, Alias("realtime.WorkspaceReport")]
public sealed record WorkspaceReport(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] int Connections,
    [property: Id(2)] int OnlineUsers,
    [property: Id(3)] DateTimeOffset ReportedAt)
{
    public bool IsEmpty => Connections == 0 && OnlineUsers == 0;

    /// <summary>
    /// Whether this report replaces <paramref name="other"/>: a workspace grain that moved to another
    /// silo reports there a second or more after its last report on the old one, so the later time wins.
    /// </summary>
    public bool Supersedes(WorkspaceReport? other) => other is null || ReportedAt >= other.ReportedAt;
}
