using Microsoft.AspNetCore.Authorization;

namespace Realtime.EdgeGateway.Identity;

/// <summary>The caller's token grants the workspace named by the workspaceId query parameter.</summary>
public sealed class WorkspaceMemberRequirement : IAuthorizationRequirement;

public sealed class WorkspaceMemberHandler : AuthorizationHandler<WorkspaceMemberRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkspaceMemberRequirement requirement)
    {
        if (context.Resource is HttpContext http && ConnectionIdentity.FromRequest(context.User, http.Request) is not null)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
