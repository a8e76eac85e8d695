using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Hosting;

namespace Realtime.EdgeGateway.Telemetry;

/// <summary>Metrics (OpenTelemetry: Prometheus scrape, optional OTLP push) and health checks of an edge.</summary>
public static class EdgeTelemetryExtensions
{
    /// <summary>Orleans' own meter; on an edge, the client's messaging and gateway connections.</summary>
    private const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddEdgeTelemetry(this IServiceCollection services, TelemetryOptions options, EdgeIdentity edge)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<ConnectionTelemetryHubFilter>();
        services.Configure<HubOptions>(hubs => hubs.AddFilter<ConnectionTelemetryHubFilter>());

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("realtime-edge", serviceInstanceId: edge.EdgeId))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(EdgeMetrics.MeterName, OrleansMeter)
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

        // The Orleans client tells its connection status to every observer registered as a service.
        services.AddSingleton<EdgeReadiness>();
        services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<EdgeReadiness>());
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), [HostEndpoints.LiveTag])
            .AddCheck<EdgeReadinessHealthCheck>("edge-ready", tags: [HostEndpoints.ReadyTag]);
        return services;
    }

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapEdgeTelemetry(this IEndpointRouteBuilder endpoints)
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
