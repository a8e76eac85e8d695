using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Hubs;

namespace Realtime.EdgeGateway.Draining;

/// <summary>Wires the drain of an edge on graceful stop.</summary>
public static class EdgeDrainExtensions
{
    /// <summary>Call last among the hosted services, so the drain stops first.</summary>
    public static IServiceCollection AddEdgeDrain(this IServiceCollection services)
    {
        services.AddSingleton<EdgeDrainState>();
        services.AddSingleton<OpenHubRequests>();
        services.AddSingleton<DrainableConnections>();
        services.AddSingleton<EdgeDrainer>();
        services.AddSingleton<DrainTrackingHubFilter>();
        services.Configure<HubOptions>(hubs => hubs.AddFilter<DrainTrackingHubFilter>());
        services.AddHostedService<EdgeDrainService>();

        // Room for the drain, leaving the lease and unsubscribing the stream.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return services;
    }

    /// <summary>
    /// While draining, hub requests get 503 so the client tries another edge; until then each is
    /// counted while it lasts, so the drain can wait for its connections' clean close.
    /// </summary>
    public static WebApplication UseEdgeDrain(this WebApplication app)
    {
        var drain = app.Services.GetRequiredService<EdgeDrainState>();
        var open = app.Services.GetRequiredService<OpenHubRequests>();
        app.Use((context, next) =>
        {
            if (HubPaths.Of(context.Request.Path) is null)
            {
                return next(context);
            }

            if (drain.IsDraining)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            return CountedAsync(context, next);
        });
        return app;

        async Task CountedAsync(HttpContext context, RequestDelegate next)
        {
            using (open.Enter())
            {
                await next(context);
            }
        }
    }
}
