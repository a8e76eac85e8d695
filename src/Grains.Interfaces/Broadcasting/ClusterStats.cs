namespace Realtime.Grains.Broadcasting;

/// <summary>`GET /realtime/stats`: the cluster as its edges and workspaces last reported it (within a lease renewal and a roll-up).</summary>
[GenerateSerializer, Immutable, Alias("realtime.ClusterStats")]
public sealed record ClusterStats(
    [property: Id(0)] int TotalConnections,
    [property: Id(1)] int OnlineUsers,
    [property: Id(2)] int Workspaces,
    [property: Id(3)] long EventsBroadcast,
    [property: Id(4)] int Edges);

/// <summary>`GET /realtime/stats/workspace/{id}`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.WorkspaceStats")]
public sealed record WorkspaceStats(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] int Connections,
    [property: Id(2)] int OnlineUsers,
    [property: Id(3)] int AwayUsers,
    [property: Id(4)] int Members,
    [property: Id(5)] int Edges);
