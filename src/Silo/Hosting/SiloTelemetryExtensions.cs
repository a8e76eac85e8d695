using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using Realtime.Grains.Telemetry;
using Realtime.Hosting;
using Realtime.Silo.Health;

namespace Realtime.Silo.Hosting;

/// <summary>Metrics (OpenTelemetry: Prometheus scrape, optional OTLP push), traces (OTLP, when configured) and health checks of a silo.</summary>
public static class SiloTelemetryExtensions
{
    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRealtimeMetrics(configuration, "realtime-silo", instanceId: null, RealtimeGrainMetrics.MeterName);
        services.AddRealtimeTraceExport(configuration, tracing => tracing.AddSiloTraceSources());
        services.AddRealtimeProbes<SiloActiveHealthCheck>("silo-active");
        return services;
    }

    /// <summary>
    /// What a silo traces: grain calls between application grains (each the child of its caller's
    /// span, on an edge or another silo) and the grains' publishes to the edges' streams. Not
    /// Orleans' runtime source: the cluster's own chatter (stream queue polling every few
    /// milliseconds, membership probes, the directory), each a trace of its own. A silo's HTTP
    /// endpoints are probes and the scrape only: not traced.
    /// </summary>
    public static TracerProviderBuilder AddSiloTraceSources(this TracerProviderBuilder tracing) =>
        tracing.AddSource(RealtimeTracing.SourceName, ActivitySources.ApplicationGrainActivitySourceName);

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapSiloTelemetry(this IEndpointRouteBuilder endpoints) => endpoints.MapRealtimeProbes();
}
