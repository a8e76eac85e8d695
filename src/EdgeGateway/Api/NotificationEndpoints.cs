using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Limits;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains;
using Realtime.Grains.Notifications;

namespace Realtime.EdgeGateway.Api;

/// <summary>Notifications over HTTP (PROTOCOL.md): backend services send; users page through their own.</summary>
public static class NotificationEndpoints
{
    public const int MaxPageSize = 100;

    public sealed record SendNotificationRequest(string? UserId, string? WorkspaceId, string? Type, string? Title, string? Message, JsonElement? Data);

    public sealed record SendNotificationResponse(string Id);

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var limits = endpoints.ServiceProvider.GetRequiredService<EdgeLimitsOptions>();
        endpoints.MapPost("/realtime/notifications/send", SendAsync)
            .RequireAuthorization(RealtimePolicies.Service)
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBodyBytes));
        endpoints.MapGet("/realtime/notifications/workspace/{workspaceId}", ListOwnAsync).RequireAuthorization(RealtimePolicies.WorkspaceMember);
        return endpoints;
    }

    private static async Task<IResult> SendAsync(SendNotificationRequest? request, IGrainFactory grains, EdgeLimitsOptions limits, EdgeMetrics metrics)
    {
        if (request is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [BadRequestProblems.BodyField] = ["a JSON object is required"] });
        }

        var draft = new NotificationDraft(request.Type!, request.Title!, request.Message!, request.Data is { } data ? RawJson.From(data) : null);
        var errors = NotificationDraftRules.Validate(draft, limits.MaxNotificationTitleLength, limits.MaxNotificationMessageLength);
        if (request.Title?.Length > limits.MaxNotificationTitleLength || request.Message?.Length > limits.MaxNotificationMessageLength)
        {
            metrics.LimitRejected(LimitNames.FieldLength, LimitNames.HttpApi);
        }

        if (!RealtimeIds.IsValid(request.UserId))
        {
            errors["userId"] = ["a valid user id"];
        }

        if (!RealtimeIds.IsValid(request.WorkspaceId))
        {
            errors["workspaceId"] = ["a valid workspace id"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var notification = await grains.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(request.WorkspaceId!, request.UserId!)).Send(draft);
        return Results.Accepted(value: new SendNotificationResponse(notification.Id));
    }

    /// <summary>The caller's own notifications in a workspace the token grants, newest first.</summary>
    private static async Task<IResult> ListOwnAsync(string workspaceId, string? cursor, int? limit, bool? unreadOnly, ClaimsPrincipal user, IGrainFactory grains)
    {
        var pageSize = limit ?? 50;
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"between 1 and {MaxPageSize}"] });
        }

        var userId = user.FindFirstValue(RealtimeClaims.UserId)!;
        try
        {
            var page = await grains.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(workspaceId, userId)).List(cursor, pageSize, unreadOnly ?? false);
            return Results.Ok(page);
        }
        catch (ArgumentException)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["a nextCursor this API returned"] });
        }
    }
}
