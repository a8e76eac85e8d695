using Realtime.Hosting;
using Realtime.Grains.Telemetry;
using Realtime.Silo.Health;

namespace Realtime.Silo.Hosting;

/// <summary>Metrics (OpenTelemetry: Prometheus scrape, optional OTLP push) and health checks of a silo.</summary>
public static class SiloTelemetryExtensions
{
    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRealtimeMetrics(configuration, "realtime-silo", instanceId: null, RealtimeGrainMetrics.MeterName);
        services.AddRealtimeProbes<SiloActiveHealthCheck>("silo-active");
        return services;
    }

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapSiloTelemetry(this IEndpointRouteBuilder endpoints) => endpoints.MapRealtimeProbes();
}
