namespace Realtime.EdgeGateway.Hosting;

/// <summary>Which browser origins may use the hubs: CORS for negotiate and long polling, Origin check for WebSockets.</summary>
public static class BrowserOriginExtensions
{
    public const string PolicyName = "RealtimeBrowsers";

    public static IServiceCollection AddBrowserOrigins(this IServiceCollection services, EdgeOptions edge)
    {
        services.AddCors(cors => cors.AddPolicy(PolicyName, policy =>
        {
            // The SignalR JS client sends credentials, which rules out a literal "*" in the response.
            policy.AllowAnyHeader().AllowAnyMethod().AllowCredentials();
            if (edge.AllowsAnyOrigin)
            {
                policy.SetIsOriginAllowed(_ => true);
            }
            else
            {
                policy.WithOrigins(edge.AllowedOrigins);
            }
        }));

        services.Configure<WebSocketOptions>(o =>
        {
            if (!edge.AllowsAnyOrigin)
            {
                foreach (var origin in edge.AllowedOrigins)
                {
                    o.AllowedOrigins.Add(origin);
                }
            }
        });
        return services;
    }
}
