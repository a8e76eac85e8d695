using System.Text.Json;
using Realtime.Grains.Broadcasting;

namespace Realtime.EdgeGateway.Api;

/// <summary>A service's own events over HTTP (docs/protocol.md): to a workspace, one user in it, or everyone, on /realtime.</summary>
public static class BroadcastEndpoints
{
    public sealed record BroadcastRequest(string? Event, JsonElement? Data);

    public static IEndpointRouteBuilder MapBroadcastEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var broadcast = endpoints.MapServiceWrites("/realtime/broadcast").WithTags("Broadcasts").Answers(StatusCodes.Status202Accepted);
        broadcast.MapPost("/workspace/{workspaceId}", (string workspaceId, BroadcastRequest? request, RealtimeService realtime) =>
            PublishAsync(request, (eventName, data) => realtime.BroadcastToWorkspace(workspaceId, eventName, data)));
        broadcast.MapPost("/user/{userId}/workspace/{workspaceId}", (string userId, string workspaceId, BroadcastRequest? request, RealtimeService realtime) =>
            PublishAsync(request, (eventName, data) => realtime.BroadcastToUser(workspaceId, userId, eventName, data)));
        broadcast.MapPost("/all", (BroadcastRequest? request, RealtimeService realtime) =>
            PublishAsync(request, realtime.BroadcastToAll));
        return endpoints;
    }

    private static async Task<IResult> PublishAsync(BroadcastRequest? request, Func<string, object, Task> send)
    {
        if (ServiceApi.Missing(request, ("event", request?.Event is not null), ("data", request?.Data is not null)) is { } missing)
        {
            return missing;
        }

        if (!BroadcastEventNames.IsValid(request!.Event))
        {
            return ServiceApi.Invalid("event", BroadcastEventNames.Rule);
        }

        await send(request.Event!, request.Data!.Value);
        return Results.Accepted();
    }
}
