using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.Backend;
using Realtime.EdgeGateway.Api;
using Realtime.EdgeGateway.Dashboards;
using Realtime.EdgeGateway.Delivery;
using Realtime.EdgeGateway.Draining;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Limits;
using Realtime.EdgeGateway.Notifications;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Protocols;
using Realtime.EdgeGateway.Serialization;
using Realtime.EdgeGateway.Streaming;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Hosting;

/// <summary>Turns a web application into a realtime edge node.</summary>
public static class EdgeHostingExtensions
{
    /// <summary>Orleans client, JWT identity, SignalR hubs, the edge's event stream, metrics and health checks.</summary>
    public static WebApplicationBuilder AddRealtimeEdge(this WebApplicationBuilder builder)
    {
        // Read now as well as registered: they choose the edge's name, origins and send path while the host is built.
        var edge = builder.Configuration.GetValidated<EdgeOptions>(EdgeOptions.SectionName);
        var identity = string.IsNullOrEmpty(edge.EdgeId) ? EdgeIdentity.CreateUnique() : new EdgeIdentity(edge.EdgeId);

        // The cluster client and the services .NET backends use (the HTTP API goes through them too), as a backend gets them.
        builder.AddRealtimeCluster();

        var services = builder.Services;
        services.AddValidatedOptions<EdgeOptions>(builder.Configuration, EdgeOptions.SectionName);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(identity);
        services.AddRealtimeAuthentication(builder.Configuration, HubPaths.All);
        // The issuer takes plain settings (tests and the load test mint tokens without a host).
        services.AddSingleton(sp => new DevelopmentTokenIssuer(sp.GetRequiredService<IOptions<JwtOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddBrowserOrigins(edge);
        services.AddProblemDetails();
        services.AddRealtimeApiDocument();

        // Binding failures are thrown in every environment, for one handler to answer 400 naming the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddExceptionHandler<ClusterUnavailableProblems>();

        // Before the other hub filters: a connection over the limit is refused before anything tracks it.
        services.AddEdgeLimits(builder.Configuration);
        services.ConfigureHttpJsonOptions(o => WireJson.Configure(o.SerializerOptions));

        services.AddSignalR()
            .AddJsonProtocol(o => WireJson.Configure(o.PayloadSerializerOptions))
            .AddMessagePackProtocol(o => o.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(WireShapeMessagePackResolver.Instance)
                .WithSecurity(MessagePackSecurity.UntrustedData))
            .AddOptionalHubPayloads(typeof(RealtimeHub), typeof(PresenceHub), typeof(NotificationsHub), typeof(DashboardHub), typeof(MetricsHub), typeof(InboxHub));
        services.AddWorkspaceHubs();
        if (edge.DirectSend)
        {
            services.AddDirectSend();
        }

        services.AddSingleton<RecoveringConnections>();
        services.AddHubEventSender<RealtimeHub>(RealtimeHubs.Realtime);
        services.AddHubEventSender<PresenceHub>(RealtimeHubs.Presence);
        services.AddHubEventSender<InboxHub>(RealtimeHubs.Inbox);
        services.AddSingleton<HubConnectionHandler<NotificationsHub>, NotificationsConnectionHandler>();
        services.AddSingleton<NotificationConnections>();
        services.AddSingleton<NotificationReattachment>();
        services.AddSingleton<IHubEventSender, NotificationHubSender>();
        services.AddSingleton<DashboardSubscribers>();
        services.AddSingleton<IHubEventSender>(sp => new DashboardHubSender(RealtimeHubs.Dashboard, sp.GetRequiredService<DashboardSubscribers>()));
        services.AddSingleton<IHubEventSender>(sp => new DashboardHubSender(RealtimeHubs.Metrics, sp.GetRequiredService<DashboardSubscribers>()));
        services.AddSingleton<EdgeEventDispatcher>();
        services.AddSingleton<LocalConnections>();
        services.AddSingleton<ConnectionAnnouncements>();
        services.AddSingleton<ConnectionReregistration>();

        // Started in this order, before Kestrel accepts connections: events flow, then the lease is held.
        services.AddSingleton<WorkspaceFeedReader>();
        services.AddSingleton<EdgeStreamSubscription>();
        services.AddHostedService(sp => sp.GetRequiredService<EdgeStreamSubscription>());
        services.AddHostedService(sp => sp.GetRequiredService<WorkspaceFeedReader>());
        services.AddSingleton<RevokedSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<RevokedSessions>());
        services.AddHostedService<EdgeLeaseService>();
        services.AddHostedService<ConnectionHeartbeatService>();
        services.AddHostedService<DisconnectRetryService>();
        services.AddEdgeTelemetry(builder.Configuration, identity);
        services.AddEdgeDrain();
        return builder;
    }

    /// <summary>The team page, authentication, the hubs, health, the metrics scrape, and in Development the token endpoint.</summary>
    public static WebApplication MapRealtimeEdge(this WebApplication app)
    {
        // A hub's WebSocket request lasts as long as its connection, and each middleware that awaits
        // it keeps its frame as long: these three have nothing to do for it.
        app.UseWhen(context => !HubPaths.IsWebSocket(context), http =>
        {
            http.UseExceptionHandler();
            http.UseStatusCodePages();
            http.UseRequestBodyLimitCounting();
        });
        app.UseEdgeDrain();
        if (app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.DirectSend)
        {
            app.UseDirectSend();
        }
        app.UseCors(BrowserOriginExtensions.PolicyName);
        app.UseTeamPage();
        app.UseAuthentication();
        app.UseEdgeConnectionLimit();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseIdempotencyKeys();

        app.MapRealtimeHub<RealtimeHub>(HubPaths.Realtime);
        app.MapRealtimeHub<PresenceHub>(HubPaths.Presence);
        app.MapRealtimeHub<NotificationsHub>(HubPaths.Notifications);
        app.MapRealtimeHub<DashboardHub>(HubPaths.Dashboard);
        app.MapRealtimeHub<MetricsHub>(HubPaths.Metrics);
        app.MapRealtimeHub<InboxHub>(HubPaths.Inbox);
        app.MapPresenceEndpoints();
        app.MapNotificationEndpoints();
        app.MapBroadcastEndpoints();
        app.MapDashboardEndpoints();
        app.MapInboxEndpoints();
        app.MapConnectionEndpoints();
        app.MapRealtimeApiDocument();
        app.MapStatsEndpoints();
        app.MapEdgeTelemetry();

        if (app.Environment.IsDevelopment())
        {
            app.MapDevelopmentTokenEndpoint();
        }

        return app;
    }

    /// <summary>
    /// A hub endpoint: only members of the connection's workspace connect (each hub method checks
    /// its own policy again), and a connection closes when its token expires; clients reconnect
    /// with a fresh one.
    /// </summary>
    private static void MapRealtimeHub<THub>(this WebApplication app, string path)
        where THub : Hub =>
        app.MapHub<THub>(path, o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization(RealtimePolicies.WorkspaceMember);

    private static IServiceCollection AddHubEventSender<THub>(this IServiceCollection services, RealtimeHubs hub)
        where THub : Hub =>
        services.AddSingleton<IHubEventSender>(sp =>
            new HubEventSender<THub>(sp.GetRequiredService<IHubContext<THub>>(), hub, sp.GetRequiredService<ConnectionAnnouncements>(), sp.GetRequiredService<RecoveringConnections>()));
}
