using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Realtime.EdgeGateway.Hosting;
using Realtime.Grains.Telemetry;
using Realtime.Silo.Hosting;

namespace Realtime.UnitTests.Telemetry;

/// <summary>
/// Traces are exported only when the standard OTLP endpoint variable (or the traces-only one) is
/// set: otherwise a silo or an edge has no tracer at all, so no ActivitySource has a listener and
/// no span is created. With tracing on, console log lines show their scopes, trace ids among them,
/// unless the operator chose otherwise. The hosts see no environment variable here: only the settings given.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class TraceExportTests
{
    public static TheoryData<string, string?, string?, bool> Cases => new()
    {
        { "silo", null, null, false },
        { "silo", "http://127.0.0.1:4317", null, true },
        { "silo", null, "http://127.0.0.1:4318/v1/traces", true },
        { "edge", null, null, false },
        { "edge", "http://127.0.0.1:4317", null, true },
        { "edge", null, "http://127.0.0.1:4318/v1/traces", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_host_has_a_tracer_only_when_an_otlp_endpoint_is_set(string host, string? endpoint, string? tracesEndpoint, bool traced)
    {
        using var built = Build(host, new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = tracesEndpoint,
        });

        Assert.Equal(traced, built.Services.GetService<TracerProvider>() is not null);
        Assert.Equal(traced, built.Services.GetRequiredService<IOptions<SimpleConsoleFormatterOptions>>().Value.IncludeScopes);
    }

    [Fact]
    public void With_tracing_on_the_console_still_leaves_scopes_out_when_told_to()
    {
        using var built = Build("silo", new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "false",
        });

        Assert.NotNull(built.Services.GetService<TracerProvider>());
        Assert.False(built.Services.GetRequiredService<IOptions<SimpleConsoleFormatterOptions>>().Value.IncludeScopes);
    }

    [Theory]
    [InlineData("silo", null, true)]
    [InlineData("edge", null, true)]
    [InlineData("edge", "always_off", false)]
    public void The_host_s_tracer_records_our_spans_as_the_standard_sampler_variable_says(string host, string? sampler, bool recorded)
    {
        using var built = Build(host, new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "200",
            ["OTEL_TRACES_SAMPLER"] = sampler,
        });
        Assert.NotNull(built.Services.GetService<TracerProvider>());

        using var span = RealtimeTracing.StartPublish("presence:update", edgeCount: 1);

        Assert.Equal(recorded, span?.Recorded ?? false);
    }

    private static IHost Build(string host, Dictionary<string, string?> settings) =>
        host == "silo" ? BuildSilo(settings) : BuildEdge(settings);

    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole();
        builder.AddRealtimeSilo();
        return builder.Build();
    }

    private static WebApplication BuildEdge(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseKestrelCore();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole();
        builder.AddRealtimeEdge();
        return builder.Build();
    }
}
