namespace Realtime.Grains.Hosting;

/// <summary>Operational HTTP paths, the same on silos and edges.</summary>
public static class HostEndpoints
{
    /// <summary>Prometheus scrape endpoint. Not /metrics: on an edge that is the path of a SignalR hub.</summary>
    public const string Prometheus = "/prometheus";

    /// <summary>Liveness: the process is up and serving HTTP.</summary>
    public const string Live = "/health/live";

    /// <summary>Readiness: the node can do its work (silo active in the cluster; edge connected, subscribed and leased).</summary>
    public const string Ready = "/health/ready";

    /// <summary>The original probe path, kept for existing deployments; it answers as readiness.</summary>
    public const string Health = "/health";

    /// <summary>Health check tags that choose which checks each path runs.</summary>
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";
}
