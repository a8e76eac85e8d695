using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;

namespace Realtime.EdgeGateway.Limits;

/// <summary>Wires the limits of an edge (section "Edge:Limits"): message size, event rates, connections per user, field lengths, HTTP body size.</summary>
public static class EdgeLimitsExtensions
{
    /// <summary>Call before the other hub filters are added, so that a refused connection is refused before anything tracks it.</summary>
    public static IServiceCollection AddEdgeLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<EdgeLimitsOptions>(configuration, EdgeLimitsOptions.SectionName);

        services.AddSingleton<EventRateLimiters>();
        services.AddSingleton<UserConnectionLimiter>();
        services.AddSingleton<LimitsHubFilter>();
        services.AddHttpApiRateLimit();
        services.AddOptions<HubOptions>().Configure<IOptions<EdgeLimitsOptions>>((hubs, limits) =>
        {
            hubs.MaximumReceiveMessageSize = limits.Value.MaxMessageBytes;
            hubs.AddFilter<LimitsHubFilter>();
        });
        return services;
    }

    /// <summary>
    /// Refuses a user already at their connection limit with 429 problem+json when they negotiate or
    /// open a WebSocket, before any connection exists: the official clients fail start() with it.
    /// The hub filter remains the exact guard (simultaneous connects can all pass this check).
    /// </summary>
    public static WebApplication UseEdgeConnectionLimit(this WebApplication app)
    {
        app.UseMiddleware<UserConnectionLimitMiddleware>();
        return app;
    }

    /// <summary>Counts HTTP bodies refused for their size (inside the status code pages, which write the 413 problem).</summary>
    public static IApplicationBuilder UseRequestBodyLimitCounting(this IApplicationBuilder app)
    {
        app.UseMiddleware<RequestBodyLimitCounter>();
        return app;
    }
}
