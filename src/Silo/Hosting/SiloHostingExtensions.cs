using Realtime.Grains.Hosting;

namespace Realtime.Silo.Hosting;

/// <summary>Turns an application host into a realtime silo.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Binds the Cluster and Silo sections (validated at once), then hosts an Orleans silo built from them.</summary>
    public static IHostApplicationBuilder AddRealtimeSilo(this IHostApplicationBuilder builder)
    {
        // Read now as well as registered: they choose the providers while the host is built.
        var cluster = builder.Configuration.GetValidated<RealtimeClusterOptions>(RealtimeClusterOptions.SectionName);
        var options = builder.Configuration.GetValidated<RealtimeSiloOptions>(RealtimeSiloOptions.SectionName);
        var dashboard = builder.Configuration.GetValidated<OrleansDashboardOptions>(OrleansDashboardOptions.SectionName);
        builder.Services.AddValidatedOptions<RealtimeClusterOptions>(builder.Configuration, RealtimeClusterOptions.SectionName);
        builder.Services.AddValidatedOptions<RealtimeSiloOptions>(builder.Configuration, RealtimeSiloOptions.SectionName);
        builder.Services.AddValidatedOptions<OrleansDashboardOptions>(builder.Configuration, OrleansDashboardOptions.SectionName);

        // Grain calls continue their caller's trace (W3C context in the request context); the
        // filters create spans only when a tracer listens (SiloTelemetryExtensions).
        builder.UseOrleans(silo => silo
            .UseRealtimeClustering(cluster, options)
            .AddRealtimeGrainServices(options, cluster.RedisConnectionString)
            .AddActivityPropagation()
            .AddRealtimeOrleansDashboard(dashboard));

        builder.Services.AddSiloTelemetry(builder.Configuration);

        // A graceful stop hands the grains over to the other silos and leaves the membership table; give it time.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>The silo's HTTP endpoints: health probes, the metrics scrape and the administrators' Orleans Dashboard.</summary>
    public static WebApplication MapRealtimeSilo(this WebApplication app)
    {
        app.MapSiloTelemetry();
        app.MapRealtimeOrleansDashboard();
        return app;
    }
}
