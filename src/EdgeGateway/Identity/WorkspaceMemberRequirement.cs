using Microsoft.AspNetCore.Authorization;
using Realtime.Grains;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// The caller's token grants the workspace the request names: the {workspaceId} route value,
/// else the workspaceId query parameter. With <see cref="AllowServiceRoles"/>, a token with
/// role service or admin may read any workspace (backend services are not members).
/// </summary>
public sealed class WorkspaceMemberRequirement(bool allowServiceRoles) : IAuthorizationRequirement
{
    public bool AllowServiceRoles { get; } = allowServiceRoles;
}

public sealed class WorkspaceMemberHandler : AuthorizationHandler<WorkspaceMemberRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkspaceMemberRequirement requirement)
    {
        if (context.Resource is not HttpContext http)
        {
            return Task.CompletedTask;
        }

        var fromRoute = http.Request.RouteValues.TryGetValue(RealtimeClaims.WorkspaceIdQuery, out var routeValue) ? routeValue as string : null;
        var granted = fromRoute is null
            ? ConnectionIdentity.FromRequest(context.User, http.Request) is not null
            : RealtimeIds.IsValid(fromRoute)
                && ((requirement.AllowServiceRoles && RealtimeRoles.IsService(context.User)) || ConnectionIdentity.IsGranted(context.User, fromRoute));
        if (granted)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
