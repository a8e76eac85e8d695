using System.ComponentModel.DataAnnotations;

namespace Realtime.EdgeGateway.Hosting;

/// <summary>Settings of one edge process. Section "Edge".</summary>
public sealed class EdgeOptions : IValidatableObject
{
    public const string SectionName = "Edge";

    /// <summary>
    /// Name of this edge in the cluster; the key of its event stream. Leave empty to get a
    /// fresh one per process (host-pid-random), so a restarted edge never inherits a dead one's stream.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string? EdgeId { get; set; }

    /// <summary>
    /// Browser origins allowed to connect (CORS and the WebSocket Origin check), e.g.
    /// "https://app.example.com". "*" allows any origin: for development only.
    /// Clients that send no Origin (apps, services) are not affected.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public bool AllowsAnyOrigin => AllowedOrigins.Contains("*");

    /// <summary>How long the cluster keeps this edge's connections without a lease renewal.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the lease is renewed; a few renewals fit in one <see cref="LeaseDuration"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often this edge checks that the cluster still has its stream subscription. A stream
    /// pulling agent drops the subscription of a client it cannot reach (all gateways restarting);
    /// the edge then subscribes again and its notification connections attach again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan StreamCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A /notifications connection waits for its attach barrier (sent by its notification grain
    /// on this edge's stream) before it takes live notifications. A barrier lost with a silo
    /// would leave it waiting: after this long it attaches again, and the catch-up brings what it
    /// did not take meanwhile. Checked at each <see cref="StreamCheckInterval"/> and at each
    /// notification for it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan NotificationAttachTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often this edge compares the workspaces it follows (those with events in the last 30 s,
    /// every one for a minute after a silo gateway was lost) with their feeds, and fetches an
    /// event that went missing at the end of a burst.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan FeedCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often this edge vouches for each of its connections to their presence grains.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Distinct dashboard/metrics keys that may wait for one slow connection; newer values of a
    /// waiting key replace it. At the bound the connection is closed as a slow consumer.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxPendingUpdatesPerConnection { get; set; } = 256;

    /// <summary>
    /// Write each message as one WebSocket frame built once for all its recipients, straight to
    /// their sockets (default), instead of through SignalR's per-connection pipe and send loop.
    /// Off is the stock SignalR path: slower for large audiences, kept as a switch for comparison.
    /// </summary>
    public bool DirectSend { get; set; } = true;

    /// <summary>
    /// Messages that may wait to be written to one WebSocket (its socket buffers full); at the bound
    /// the connection is closed as a slow consumer rather than held in memory.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxPendingFramesPerConnection { get; set; } = 1000;

    /// <summary>
    /// Audiences of at least this many connections are written in chunks of this size on every
    /// core at once (direct send path): the last socket of 10,000 waits for 5 chunks, not 10,000 writes.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FanOutChunkSize { get; set; } = 2048;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseRenewInterval * 2 > LeaseDuration)
        {
            yield return new ValidationResult("must be at most half of Edge:LeaseDuration, so one lost renewal does not end the lease.", [nameof(LeaseRenewInterval)]);
        }
    }
}
