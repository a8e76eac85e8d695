using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// What happens once a token's signature, issuer, audience and lifetime check out: a token of a
/// revoked session (issued before its user's revocation, for every workspace or the one the
/// request names) is refused (401), and the principal keeps only the claims the edge reads.
/// </summary>
public sealed class RealtimeJwtEvents(RevokedSessions revokedSessions) : JwtBearerEvents
{
    public override Task TokenValidated(TokenValidatedContext context)
    {
        var userId = context.Principal?.FindFirstValue(RealtimeClaims.UserId);
        var issuedAt = context.SecurityToken is JsonWebToken { IssuedAt: var iat } && iat != DateTime.MinValue
            ? new DateTimeOffset(iat, TimeSpan.Zero)
            : DateTimeOffset.MinValue;
        var workspaceId = context.HttpContext.GetRouteValue(RealtimeClaims.WorkspaceIdQuery) as string
            ?? context.Request.Query[RealtimeClaims.WorkspaceIdQuery];
        if (userId is not null && revokedSessions.Refuses(userId, workspaceId, issuedAt))
        {
            context.Fail("This session was revoked.");
            return Task.CompletedTask;
        }

        context.Principal = SlimPrincipal.From(context.Principal!, context.Scheme.Name);
        return Task.CompletedTask;
    }
}
