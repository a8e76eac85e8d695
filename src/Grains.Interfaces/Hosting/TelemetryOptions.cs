using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Hosting;

/// <summary>
/// Metrics export of a silo or edge. Section "Telemetry", shared by both. Plain settings only:
/// the OpenTelemetry wiring lives in the hosts, so this project stays light for clients.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Telemetry";

    /// <summary>Serve the Prometheus scrape endpoint (<see cref="HostEndpoints.Prometheus"/>).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>OTLP collector to push metrics to, e.g. "http://otel-collector:4317"; none when empty.</summary>
    public string? OtlpEndpoint { get; set; }

    public Uri? OtlpEndpointUri => string.IsNullOrWhiteSpace(OtlpEndpoint) ? null : new Uri(OtlpEndpoint, UriKind.Absolute);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint)
            && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("must be an absolute http or https URL, e.g. http://otel-collector:4317.", [nameof(OtlpEndpoint)]);
        }
    }
}
