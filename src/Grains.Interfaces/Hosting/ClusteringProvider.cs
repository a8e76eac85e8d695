namespace Realtime.Grains.Hosting;

/// <summary>How silos find each other and edges find silos.</summary>
public enum ClusteringProvider
{
    /// <summary>Development clustering on loopback; the embedded default.</summary>
    Localhost,

    /// <summary>Membership table in Redis; production.</summary>
    Redis,
}
