using System.Security.Claims;

namespace Realtime.EdgeGateway.Identity;

/// <summary>Roles of the `role` claim.</summary>
public static class RealtimeRoles
{
    public const string Member = "member";
    public const string Admin = "admin";
    public const string Service = "service";

    /// <summary>Backend services and administrators, who act across workspaces.</summary>
    public static bool IsService(ClaimsPrincipal user) => user.IsInRole(Service) || user.IsInRole(Admin);
}
