using Realtime.Grains.Broadcasting;
using Realtime.Grains.Hosting;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Webhooks;
using Realtime.Grains.Workspaces;

namespace Realtime.Silo.Hosting;

/// <summary>Turns an application host into a realtime silo.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Binds and validates the Cluster and Silo sections, then hosts an Orleans silo built from them.</summary>
    public static IHostApplicationBuilder AddRealtimeSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetValidated<RealtimeClusterOptions>(RealtimeClusterOptions.SectionName);
        var options = builder.Configuration.GetValidated<RealtimeSiloOptions>(RealtimeSiloOptions.SectionName);
        var telemetry = builder.Configuration.GetValidated<TelemetryOptions>(TelemetryOptions.SectionName);

        // Bound again by AddRealtimeGrainServices for the grains; validated here so a bad value stops the process at once.
        builder.Configuration.GetValidated<PresenceOptions>(PresenceOptions.SectionName);
        builder.Configuration.GetValidated<NotificationOptions>(NotificationOptions.SectionName);
        builder.Configuration.GetValidated<RecoveryOptions>(RecoveryOptions.SectionName);
        builder.Configuration.GetValidated<InboxOptions>(InboxOptions.SectionName);
        builder.Configuration.GetValidated<StatsOptions>(StatsOptions.SectionName);
        builder.Configuration.GetValidated<WebhookOptions>(WebhookOptions.SectionName);

        builder.UseOrleans(silo => silo
            .UseRealtimeClustering(cluster, options)
            .AddRealtimeGrainServices(options, cluster.RedisConnectionString));

        builder.Services.AddSiloTelemetry(telemetry);

        // A graceful stop hands the grains over to the other silos and leaves the membership table; give it time.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>The silo's HTTP endpoints: health probes and the metrics scrape.</summary>
    public static WebApplication MapRealtimeSilo(this WebApplication app)
    {
        app.MapSiloTelemetry();
        return app;
    }
}
