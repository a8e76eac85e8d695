using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Hosting;

/// <summary>Which cluster a silo joins or an edge connects to. Section "Cluster", shared by both.</summary>
public sealed class RealtimeClusterOptions : IValidatableObject
{
    public const string SectionName = "Cluster";

    [Required, RegularExpression("^[A-Za-z0-9._-]+$")]
    public string ClusterId { get; set; } = "realtime-dev";

    [Required, RegularExpression("^[A-Za-z0-9._-]+$")]
    public string ServiceId { get; set; } = "realtime";

    public ClusteringProvider Clustering { get; set; } = ClusteringProvider.Localhost;

    /// <summary>StackExchange.Redis configuration string, used by every provider set to Redis.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Gateway port of the silo that localhost clustering uses (silo listens, edge connects).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How long an edge keeps retrying to reach the cluster at start before it gives up.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ConnectRetryWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a call into the cluster waits for its answer (Orleans' default, 30 s). A call in
    /// flight to a silo that died gets no answer and fails only after it. Shorter is not safer: in a
    /// 10,000-user connect storm on 2 cores, joins wait in the workspace grain's queue for more than
    /// 10 s, and a 10 s timeout refused 223 of 10,000 connections. Backends should rather give each
    /// attempt its own shorter timeout in their retry policy.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Clustering == ClusteringProvider.Redis && string.IsNullOrWhiteSpace(RedisConnectionString))
        {
            yield return new ValidationResult(
                "is required when Clustering is Redis.", [nameof(RedisConnectionString)]);
        }
    }
}
