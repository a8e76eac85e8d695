using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Presence;
using Realtime.Grains;
using Realtime.Grains.Presence;

namespace Realtime.EdgeGateway.Api;

/// <summary>Presence over HTTP (docs/protocol.md): a workspace's members and one user's presence.</summary>
public static class PresenceEndpoints
{
    public static IEndpointRouteBuilder MapPresenceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var presence = endpoints.MapGroup("/realtime/presence")
            .RequireAuthorization(RealtimePolicies.WorkspaceReader)
            .WithTags("Presence")
            .AsHttpApi();

        presence.MapGet("/workspace/{workspaceId}", async (string workspaceId, string? cursor, int? limit, bool? onlineOnly, IGrainFactory grains) =>
        {
            var pageSize = limit ?? PresencePage.DefaultLimit;
            var errors = new Dictionary<string, string[]>();
            if (pageSize is < 1 or > PresencePage.MaxLimit)
            {
                errors["limit"] = [$"between 1 and {PresencePage.MaxLimit}"];
            }

            if (cursor is not null && !RealtimeIds.IsValid(cursor))
            {
                errors["cursor"] = ["a nextCursor this API returned"];
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            var page = await grains.Workspace(workspaceId)
                .GetPresence(new PresencePage(cursor, pageSize, onlineOnly ?? false));
            return Results.Ok(page);
        }).Produces<WorkspacePresence>();

        presence.MapGet("/user/{userId}/workspace/{workspaceId}", async (string userId, string workspaceId, IGrainFactory grains) =>
        {
            if (!RealtimeIds.IsValid(userId))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = ["not a valid user id"] });
            }

            var user = await grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(workspaceId, userId)).GetPresence();
            return user is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "User never seen in this workspace")
                : Results.Ok(user);
        }).Produces<UserPresence>().AnswersProblems(StatusCodes.Status404NotFound);

        return endpoints;
    }
}
