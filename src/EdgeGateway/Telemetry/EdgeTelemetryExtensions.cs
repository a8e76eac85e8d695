using Microsoft.AspNetCore.SignalR;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Hosting;
using Realtime.Grains.Telemetry;
using Realtime.Hosting;

namespace Realtime.EdgeGateway.Telemetry;

/// <summary>Metrics (OpenTelemetry: Prometheus scrape, optional OTLP push), traces (OTLP, when configured) and health checks of an edge.</summary>
public static class EdgeTelemetryExtensions
{
    /// <summary>ASP.NET Core's ActivitySource of hub method calls and hub connects and disconnects (.NET 9 and later).</summary>
    public const string SignalRServerSource = "Microsoft.AspNetCore.SignalR.Server";

    public static IServiceCollection AddEdgeTelemetry(this IServiceCollection services, IConfiguration configuration, EdgeIdentity edge)
    {
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<ConnectionTelemetryHubFilter>();
        services.Configure<HubOptions>(hubs => hubs.AddFilter<ConnectionTelemetryHubFilter>());

        // SignalR logs every failed hub call at Error with a stack trace, a refused one included:
        // a client sending garbage or flooding would flood the log. The filter counts and logs them instead.
        services.Configure<LoggerFilterOptions>(logging => logging.AddFilter(ConnectionTelemetryHubFilter.SignalRDispatcherCategory, LogLevel.None));
        services.AddRealtimeMetrics(configuration, "realtime-edge", edge.EdgeId, EdgeMetrics.MeterName);
        services.AddRealtimeTraceExport(configuration, tracing => tracing.AddEdgeTraceSources());

        // The Orleans client tells its connection status to every observer registered as a service.
        services.AddSingleton<EdgeReadiness>();
        services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<EdgeReadiness>());
        services.AddRealtimeProbes<EdgeReadinessHealthCheck>("edge-ready");
        return services;
    }

    /// <summary>
    /// What an edge traces: HTTP requests (the HTTP API, negotiates, hub connections), hub
    /// connects, disconnects and method calls, the grain calls they make, and the delivery of
    /// each stream event to its sockets. Not Orleans' runtime
    /// source: its spans are the cluster's own chatter (stream deliveries to this edge, gateway
    /// and membership calls), each a trace of its own, and say nothing a delivery span does not.
    /// </summary>
    public static TracerProviderBuilder AddEdgeTraceSources(this TracerProviderBuilder tracing) =>
        tracing
            .AddSource(RealtimeTracing.SourceName, ActivitySources.ApplicationGrainActivitySourceName, SignalRServerSource)
            .AddAspNetCoreInstrumentation(o => o.Filter = IsTracedRequest);

    /// <summary>
    /// Not probes and scrapes: every few seconds, nothing to see. A hub's connection request
    /// (WebSocket, server-sent events, long polling) is, though it lasts as long as the
    /// connection: its connect and disconnect handling (with their grain calls) are its children,
    /// and each hub method call links to it.
    /// </summary>
    private static bool IsTracedRequest(HttpContext context)
    {
        var path = context.Request.Path;
        return !path.StartsWithSegments(HostEndpoints.Health, StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments(HostEndpoints.Prometheus, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>/health/live, /health/ready (and /health, as readiness), and /prometheus when enabled.</summary>
    public static IEndpointRouteBuilder MapEdgeTelemetry(this IEndpointRouteBuilder endpoints) => endpoints.MapRealtimeProbes();
}
