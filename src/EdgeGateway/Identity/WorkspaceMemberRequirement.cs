using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Realtime.Grains;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// The caller acts in a workspace its token grants, with a role that acts in workspaces (member,
/// admin). The workspace is the {workspaceId} route value, else the workspaceId query parameter
/// (hub connections, and each hub event through its connection's request). With
/// <see cref="AllowAcrossWorkspaces"/>, roles service and admin may read any workspace.
/// </summary>
public sealed class WorkspaceMemberRequirement(bool allowAcrossWorkspaces) : IAuthorizationRequirement
{
    public bool AllowAcrossWorkspaces { get; } = allowAcrossWorkspaces;
}

public sealed class WorkspaceMemberHandler : AuthorizationHandler<WorkspaceMemberRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkspaceMemberRequirement requirement)
    {
        var http = context.Resource switch
        {
            HttpContext request => request,
            HubInvocationContext invocation => invocation.Context.GetHttpContext(),
            _ => null,
        };
        if (http is not null && IsGranted(context, requirement, http))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private static bool IsGranted(AuthorizationHandlerContext context, WorkspaceMemberRequirement requirement, HttpContext http)
    {
        var user = context.User;
        var fromRoute = http.Request.RouteValues.TryGetValue(RealtimeClaims.WorkspaceIdQuery, out var routeValue) ? routeValue as string : null;
        if (fromRoute is not null && !RealtimeIds.IsValid(fromRoute))
        {
            return false;
        }

        if (requirement.AllowAcrossWorkspaces && fromRoute is not null && RealtimeRoles.IsInAny(user, RealtimeRoles.AcrossWorkspaces))
        {
            return true;
        }

        if (!RealtimeRoles.IsInAny(user, RealtimeRoles.InWorkspace))
        {
            return false;
        }

        return fromRoute is null
            ? ConnectionIdentity.FromRequest(user, http.Request) is not null
            : ConnectionIdentity.IsGranted(user, fromRoute);
    }
}
