using System.ComponentModel.DataAnnotations;
using Realtime.Grains.Hosting;

namespace Realtime.Silo.Hosting;

/// <summary>
/// The Orleans Dashboard (grains, silos, method calls, reminders, live logs) on the silo's own
/// HTTP listener, for administrators only. Section "OrleansDashboard".
/// </summary>
public sealed partial class OrleansDashboardOptions : IValidatableObject
{
    public const string SectionName = "OrleansDashboard";

    /// <summary>The user name a remote administrator gives with <see cref="Password"/> (HTTP Basic).</summary>
    public const string AdminUser = "admin";

    /// <summary>Shortest password accepted: it guards grain state and the silo's logs.</summary>
    public const int MinimumPasswordLength = 16;

    /// <summary>Serve the dashboard at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where on the silo's HTTP listener (Urls) the dashboard is served.</summary>
    public string Path { get; set; } = "/orleans";

    /// <summary>
    /// Empty: only connections from a loopback address get the dashboard (an administrator on the
    /// host, or through a tunnel such as <c>kubectl port-forward</c>). Set: any address, with HTTP
    /// Basic credentials <see cref="AdminUser"/> and this password, and none without them.
    /// </summary>
    public string? Password { get; set; }

    public bool RequiresPassword => !string.IsNullOrEmpty(Password);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PathPattern().IsMatch(Path ?? ""))
        {
            yield return new ValidationResult("must be a path such as /orleans: '/' and letters, digits, '-', '_' or '.' in segments, no trailing '/'.", [nameof(Path)]);
        }
        else if (IsTaken(Path!))
        {
            yield return new ValidationResult($"is taken by the silo's own endpoints ({HostEndpoints.Health}, {HostEndpoints.Prometheus}).", [nameof(Path)]);
        }

        if (RequiresPassword && Password!.Length < MinimumPasswordLength)
        {
            yield return new ValidationResult($"must be at least {MinimumPasswordLength} characters (e.g. openssl rand -base64 24), or empty for loopback-only access.", [nameof(Password)]);
        }
    }

    private static bool IsTaken(string path) =>
        new[] { HostEndpoints.Health, HostEndpoints.Prometheus }.Any(taken =>
            path.Equals(taken, StringComparison.OrdinalIgnoreCase) || path.StartsWith(taken + "/", StringComparison.OrdinalIgnoreCase));

    [System.Text.RegularExpressions.GeneratedRegex("^(/[A-Za-z0-9._-]+)+$")]
    private static partial System.Text.RegularExpressions.Regex PathPattern();
}
