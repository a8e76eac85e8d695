using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Limits;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>Wires what the hubs share (<see cref="WorkspaceHub"/>) and the live update subscriptions of /dashboard and /metrics.</summary>
public static class WorkspaceHubExtensions
{
    public static IServiceCollection AddWorkspaceHubs(this IServiceCollection services)
    {
        // Until the limits are bound as options: the validated instance AddEdgeLimits registers.
        services.AddSingleton<IOptions<EdgeLimitsOptions>>(sp => Options.Create(sp.GetRequiredService<EdgeLimitsOptions>()));
        services.AddSingleton<WorkspaceHubServices>();
        services.AddSingleton(typeof(LiveUpdateSubscriptions<>));
        return services;
    }
}
