using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Trace;

namespace Realtime.Hosting;

/// <summary>
/// Trace export, the same on silos and edges: on when the standard OTLP endpoint variable is set
/// (<see cref="OtlpEndpoint"/> or <see cref="OtlpTracesEndpoint"/>), absent otherwise: no tracer,
/// no listener on any ActivitySource, so no span is even created. The OTLP exporter and the
/// sampler read the other standard variables themselves (OTEL_EXPORTER_OTLP_PROTOCOL,
/// OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG...). Shared source, like
/// RealtimeTelemetry: compiled into both host projects.
/// </summary>
internal static class RealtimeTraceExport
{
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    /// <summary>The console formatters' setting that writes log scopes, trace and span ids among them.</summary>
    private const string IncludeScopesSetting = "Logging:Console:FormatterOptions:IncludeScopes";

    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpTracesEndpoint]) || !string.IsNullOrWhiteSpace(configuration[OtlpEndpoint]);

    /// <summary>
    /// When tracing is on: a tracer of what <paramref name="addSources"/> names, exported over
    /// OTLP (the resource is the one AddRealtimeMetrics names), and trace and span ids in every
    /// log line written inside a span.
    /// </summary>
    public static IServiceCollection AddRealtimeTraceExport(this IServiceCollection services, IConfiguration configuration, Action<TracerProviderBuilder> addSources)
    {
        if (!IsEnabled(configuration))
        {
            return services;
        }

        services.AddOpenTelemetry().WithTracing(tracing =>
        {
            addSources(tracing);
            tracing.AddOtlpExporter();
        });

        // Log scopes carry the current span's ids (the host's default too, said here on purpose);
        // the console writes scopes only when asked, so ask unless the operator said otherwise.
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions |= ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (configuration[IncludeScopesSetting] is null)
        {
            services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
            services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        }

        return services;
    }
}
