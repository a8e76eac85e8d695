using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Limits;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains;
using Realtime.Grains.Notifications;

namespace Realtime.EdgeGateway.Api;

/// <summary>Notifications over HTTP (docs/protocol.md): backend services send; users page through their own.</summary>
public static class NotificationEndpoints
{
    public const int MaxPageSize = 100;

    public sealed record SendNotificationRequest(string? UserId, string? WorkspaceId, string? Type, string? Title, string? Message, JsonElement? Data);

    public sealed record WorkspaceNotificationRequest(string? Type, string? Title, string? Message, JsonElement? Data);

    public sealed record SendNotificationResponse(string Id);

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var send = endpoints.MapServiceWrites("/realtime/notifications").WithTags("Notifications");
        send.MapPost("/send", SendAsync).Produces<SendNotificationResponse>(StatusCodes.Status202Accepted);
        send.MapPost("/workspace/{workspaceId}", SendToWorkspaceAsync).Produces<SendNotificationResponse>(StatusCodes.Status202Accepted);
        endpoints.MapGet("/realtime/notifications/workspace/{workspaceId}", ListOwnAsync)
            .RequireAuthorization(RealtimePolicies.WorkspaceMember)
            .WithTags("Notifications")
            .Produces<NotificationPage>()
            .AsHttpApi();
        return endpoints;
    }

    private static async Task<IResult> SendAsync(SendNotificationRequest? request, NotificationService notifications, IOptions<EdgeLimitsOptions> limits, EdgeMetrics metrics)
    {
        if (request is null)
        {
            return ServiceApi.Missing(request)!;
        }

        var errors = Validate(request.Type, request.Title, request.Message, request.Data, limits.Value, metrics);
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

        var notification = await notifications.SendNotification(request.UserId!, request.WorkspaceId!, request.Type!, request.Title!, request.Message!, request.Data);
        return Results.Accepted(value: new SendNotificationResponse(notification.Id));
    }

    /// <summary>To every member of the workspace: each gets a copy of their own, with its own read state.</summary>
    private static async Task<IResult> SendToWorkspaceAsync(string workspaceId, WorkspaceNotificationRequest? request, NotificationService notifications, IOptions<EdgeLimitsOptions> limits, EdgeMetrics metrics)
    {
        if (request is null)
        {
            return ServiceApi.Missing(request)!;
        }

        var errors = Validate(request.Type, request.Title, request.Message, request.Data, limits.Value, metrics);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        // Each member's copy has an id of its own; this one is the notification's number in the workspace's feed.
        var notification = await notifications.SendWorkspaceNotification(workspaceId, request.Type!, request.Title!, request.Message!, request.Data);
        return Results.Accepted(value: new SendNotificationResponse(notification.Sequence.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The notification rules with this edge's length limits (a refusal for length is counted).</summary>
    private static Dictionary<string, string[]> Validate(string? type, string? title, string? message, JsonElement? data, EdgeLimitsOptions limits, EdgeMetrics metrics)
    {
        if (title?.Length > limits.MaxNotificationTitleLength || message?.Length > limits.MaxNotificationMessageLength)
        {
            metrics.LimitRejected(LimitNames.FieldLength, LimitNames.HttpApi);
        }

        var draft = new NotificationDraft(type!, title!, message!, data is { } json ? RawJson.From(json) : null);
        return NotificationDraftRules.Validate(draft, limits.MaxNotificationTitleLength, limits.MaxNotificationMessageLength);
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
