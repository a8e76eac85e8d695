using System.Security.Claims;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// Roles of the `role` claim. What each may do is decided by the policies (RealtimePolicies,
/// AuthenticationExtensions) and tabled in docs/security.md; nothing else checks roles.
/// </summary>
public static class RealtimeRoles
{
    /// <summary>A person in the workspaces the token grants. A token without any role claim is a member.</summary>
    public const string Member = "member";

    /// <summary>What a member can, plus reads and stats of every workspace.</summary>
    public const string Admin = "admin";

    /// <summary>A backend service: sends notifications, reads any workspace and the cluster stats; no hub connections.</summary>
    public const string Service = "service";

    /// <summary>Roles that act in the workspaces their token grants (hubs, own notifications, workspace reads).</summary>
    public static readonly IReadOnlyList<string> InWorkspace = [Member, Admin];

    /// <summary>Roles that act across workspaces (sending, reads and stats of any workspace).</summary>
    public static readonly IReadOnlyList<string> AcrossWorkspaces = [Service, Admin];

    public static bool IsInAny(ClaimsPrincipal user, IReadOnlyList<string> roles) => roles.Any(user.IsInRole);
}
