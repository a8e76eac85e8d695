namespace Realtime.EdgeGateway.Hubs;

/// <summary>Wires what the hubs share (<see cref="WorkspaceHub"/>) and the live update subscriptions of /dashboard and /metrics.</summary>
public static class WorkspaceHubExtensions
{
    public static IServiceCollection AddWorkspaceHubs(this IServiceCollection services)
    {
        services.AddSingleton<WorkspaceHubServices>();
        services.AddSingleton(typeof(LiveUpdateSubscriptions<>));
        return services;
    }
}
