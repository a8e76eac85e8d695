using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Streaming;
using Realtime.Hosting;

namespace Realtime.EdgeGateway.Telemetry;

/// <summary>Metrics (OpenTelemetry: Prometheus scrape, optional OTLP push) and health checks of an edge.</summary>
public static class EdgeTelemetryExtensions
{
    public static IServiceCollection AddEdgeTelemetry(this IServiceCollection services, IConfiguration configuration, EdgeIdentity edge)
    {
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<ConnectionTelemetryHubFilter>();
        services.Configure<HubOptions>(hubs => hubs.AddFilter<ConnectionTelemetryHubFilter>());

        // SignalR logs every failed hub call at Error with a stack trace, a refused one included:
        // a client sending garbage or flooding would flood the log. The filter counts and logs them instead.
        services.Configure<LoggerFilterOptions>(logging => logging.AddFilter(ConnectionTelemetryHubFilter.SignalRDispatcherCategory, LogLevel.None));
        services.AddRealtimeMetrics(configuration, "realtime-edge", edge.EdgeId, EdgeMetrics.MeterName);

        // The Orleans client tells its connection status to every observer registered as a service.
        services.AddSingleton<EdgeReadiness>();
        services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<EdgeReadiness>());
        services.AddRealtimeProbes<EdgeReadinessHealthCheck>("edge-ready");
        return services;
    }

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapEdgeTelemetry(this IEndpointRouteBuilder endpoints) => endpoints.MapRealtimeProbes();
}
