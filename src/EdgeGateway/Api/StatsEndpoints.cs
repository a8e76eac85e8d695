using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Presence;
using Realtime.Grains.Broadcasting;

namespace Realtime.EdgeGateway.Api;

/// <summary>Connection stats (docs/protocol.md): cluster-wide for services and admins, per workspace for its members.</summary>
public static class StatsEndpoints
{
    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/realtime/stats", (IGrainFactory grains) => grains.GetGrain<IClusterStatsGrain>(0).GetStats())
            .RequireAuthorization(RealtimePolicies.Service)
            .WithTags("Stats")
            .AsHttpApi();
        endpoints.MapGet("/realtime/stats/workspace/{workspaceId}", (string workspaceId, IGrainFactory grains) => grains.Workspace(workspaceId).GetStats())
            .RequireAuthorization(RealtimePolicies.WorkspaceReader)
            .WithTags("Stats")
            .AsHttpApi();
        return endpoints;
    }
}
