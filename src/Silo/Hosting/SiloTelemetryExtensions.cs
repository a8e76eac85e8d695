using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Realtime.Grains.Hosting;
using Realtime.Grains.Telemetry;
using Realtime.Silo.Health;

namespace Realtime.Silo.Hosting;

/// <summary>Metrics (OpenTelemetry: Prometheus scrape, optional OTLP push) and health checks of a silo.</summary>
public static class SiloTelemetryExtensions
{
    /// <summary>Orleans' own meter: activations, messaging, membership, streams.</summary>
    private const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services, TelemetryOptions options)
    {
        services.AddSingleton(Options.Create(options));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("realtime-silo"))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(RealtimeGrainMetrics.MeterName, OrleansMeter)
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

        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), [HostEndpoints.LiveTag])
            .AddCheck<SiloActiveHealthCheck>("silo-active", tags: [HostEndpoints.ReadyTag]);
        return services;
    }

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapSiloTelemetry(this IEndpointRouteBuilder endpoints)
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
