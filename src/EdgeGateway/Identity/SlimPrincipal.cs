using System.Security.Claims;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// The principal a connection keeps for its whole life. The validated one holds the parsed token
/// (with its raw text and every claim: iss, aud, exp, iat, jti, ...) for as long as the WebSocket
/// is open; the edge needs only the user, the workspaces and the roles (measured: ~16 claims and
/// the token object per connection, a few KB at 10,000 connections each).
/// </summary>
public static class SlimPrincipal
{
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        RealtimeClaims.UserId,
        RealtimeClaims.Workspaces,
        RealtimeClaims.Role,
    };

    public static ClaimsPrincipal From(ClaimsPrincipal validated, string authenticationType)
    {
        var claims = validated.Claims.Where(c => Kept.Contains(c.Type)).Select(c => new Claim(c.Type, c.Value)).ToList();

        // Tokens of identity providers that issue no roles are members: the role is made explicit
        // here, once, so that the policies only ever ask for roles.
        if (!claims.Any(c => c.Type == RealtimeClaims.Role))
        {
            claims.Add(new Claim(RealtimeClaims.Role, RealtimeRoles.Member));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, RealtimeClaims.UserId, RealtimeClaims.Role));
    }
}
