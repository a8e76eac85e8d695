using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Hosting;
using Realtime.Hosting;

namespace Realtime.EdgeGateway.Telemetry;

/// <summary>Metrics (OpenTelemetry: Prometheus scrape, optional OTLP push) and health checks of an edge.</summary>
public static class EdgeTelemetryExtensions
{
    public static IServiceCollection AddEdgeTelemetry(this IServiceCollection services, TelemetryOptions options, EdgeIdentity edge)
    {
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<ConnectionTelemetryHubFilter>();
        services.Configure<HubOptions>(hubs => hubs.AddFilter<ConnectionTelemetryHubFilter>());
        services.AddRealtimeMetrics(options, "realtime-edge", edge.EdgeId, EdgeMetrics.MeterName);

        // The Orleans client tells its connection status to every observer registered as a service.
        services.AddSingleton<EdgeReadiness>();
        services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<EdgeReadiness>());
        services.AddRealtimeProbes<EdgeReadinessHealthCheck>("edge-ready");
        return services;
    }

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapEdgeTelemetry(this IEndpointRouteBuilder endpoints) => endpoints.MapRealtimeProbes();
}
