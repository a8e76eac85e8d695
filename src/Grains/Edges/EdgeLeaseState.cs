namespace Realtime.Grains.Edges;

/// <summary>Persisted lease of an edge.</summary>
[GenerateSerializer, Alias("realtime.EdgeLeaseState")]
public sealed class EdgeLeaseState
{
    /// <summary>When the lease lapses unless renewed; null until the edge first renews.</summary>
    [Id(0)]
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Workspaces with connections on this edge: where to evict from when the lease lapses.</summary>
    [Id(1)]
    public HashSet<string> Workspaces { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The lease lapsed and the edge's connections were evicted; cleared by the next renewal.</summary>
    [Id(2)]
    public bool Evicted { get; set; }
}
