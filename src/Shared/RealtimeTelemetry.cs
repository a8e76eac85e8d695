using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Realtime.Grains.Hosting;

namespace Realtime.Hosting;

/// <summary>
/// Metrics export and probes, the same on silos and edges. Compiled into both host projects
/// (shared source, as ASP.NET Core does with src/Shared) rather than a library of its own.
/// </summary>
internal static class RealtimeTelemetry
{
    /// <summary>Orleans' own meter: messaging and gateways on edges; also activations, membership and streams on silos.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Section "Telemetry" and OpenTelemetry metrics of our meters, Orleans, ASP.NET Core and the runtime: Prometheus scrape, optional OTLP push.</summary>
    public static IServiceCollection AddRealtimeMetrics(this IServiceCollection services, IConfiguration configuration, string serviceName, string? instanceId, string meter)
    {
        // Read now as well as registered: the exporters are chosen while the host is built.
        var options = configuration.GetValidated<TelemetryOptions>(TelemetryOptions.SectionName);
        services.AddValidatedOptions<TelemetryOptions>(configuration, TelemetryOptions.SectionName);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instanceId))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(meter, OrleansMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation();
                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (options.OtlpEndpointUri is { } otlp)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        return services;
    }

    /// <summary>A liveness check (the process answers) and the host's readiness check.</summary>
    public static IHealthChecksBuilder AddRealtimeProbes<TReadiness>(this IServiceCollection services, string readinessName)
        where TReadiness : class, IHealthCheck =>
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), [HostEndpoints.LiveTag])
            .AddCheck<TReadiness>(readinessName, tags: [HostEndpoints.ReadyTag]);

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapRealtimeProbes(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(HostEndpoints.Live, new() { Predicate = check => check.Tags.Contains(HostEndpoints.LiveTag) });
        endpoints.MapHealthChecks(HostEndpoints.Ready, new() { Predicate = check => check.Tags.Contains(HostEndpoints.ReadyTag) });
        endpoints.MapHealthChecks(HostEndpoints.Health, new() { Predicate = check => check.Tags.Contains(HostEndpoints.ReadyTag) });
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
        {
            endpoints.MapPrometheusScrapingEndpoint(HostEndpoints.Prometheus);
        }

        return endpoints;
    }
}
