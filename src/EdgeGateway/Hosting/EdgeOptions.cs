using System.ComponentModel.DataAnnotations;

namespace Realtime.EdgeGateway.Hosting;

/// <summary>Settings of one edge process. Section "Edge".</summary>
public sealed class EdgeOptions
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
}
