using System.Security.Claims;
using Realtime.Grains;

namespace Realtime.EdgeGateway.Identity;

/// <summary>Who a connection or request is: the token's user, in the workspace it chose.</summary>
public sealed record ConnectionIdentity(string UserId, string WorkspaceId)
{
    /// <summary>
    /// The identity of a request whose user is granted the workspace it names in the query,
    /// or null when the user id or workspace id is missing, malformed or not granted.
    /// </summary>
    public static ConnectionIdentity? FromRequest(ClaimsPrincipal user, HttpRequest request)
    {
        var userId = user.FindFirstValue(RealtimeClaims.UserId);
        string? workspaceId = request.Query[RealtimeClaims.WorkspaceIdQuery];
        if (!RealtimeIds.IsValid(userId) || !RealtimeIds.IsValid(workspaceId))
        {
            return null;
        }

        return IsGranted(user, workspaceId) ? new ConnectionIdentity(userId, workspaceId) : null;
    }

    public static bool IsGranted(ClaimsPrincipal user, string workspaceId) =>
        user.FindAll(RealtimeClaims.Workspaces).Any(c => string.Equals(c.Value, workspaceId, StringComparison.Ordinal));
}
