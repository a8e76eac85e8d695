using Realtime.Grains.Sessions;

namespace Realtime.EdgeGateway.Api;

/// <summary>Session revocation over HTTP (docs/protocol.md): a user's access removed, in one workspace or in all.</summary>
public static class ConnectionEndpoints
{
    public sealed record RevokeResponse(int Closed);

    public static IEndpointRouteBuilder MapConnectionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapServiceWrites("/realtime/connections").WithTags("Sessions").MapDelete("/user/{userId}", RevokeAsync).Produces<RevokeResponse>();
        return endpoints;
    }

    /// <summary>
    /// Every connection of the user (in the workspace, or everywhere) gets <c>session:revoked { reason }</c>
    /// and closes, on every edge; the user's tokens issued until now are refused until they expire.
    /// <c>closed</c> counts the connections the edges closed within a second.
    /// </summary>
    private static async Task<IResult> RevokeAsync(string userId, string? workspaceId, string? reason, IGrainFactory grains)
    {
        var errors = SessionRevocation.Validate(userId, workspaceId, reason);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var result = await grains.GetGrain<ISessionRevocationGrain>(0).Revoke(userId, workspaceId, reason ?? "revoked");
        return Results.Ok(new RevokeResponse(result.Closed));
    }
}
