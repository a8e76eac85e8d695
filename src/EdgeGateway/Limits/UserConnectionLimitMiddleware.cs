using System.Security.Claims;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Telemetry;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// 429 problem+json for a hub negotiate or WebSocket upgrade of a user who already holds every
/// connection allowed. Other hub requests (long polls, sends of open connections) pass: they belong
/// to connections that already hold a permit.
/// </summary>
public sealed class UserConnectionLimitMiddleware(
    RequestDelegate next,
    UserConnectionLimiter limiter,
    EdgeMetrics metrics,
    IProblemDetailsService problems)
{
    /// <summary>Not async where it passes: a WebSocket request would keep this frame for its connection's life.</summary>
    public Task InvokeAsync(HttpContext context) =>
        StartsConnection(context)
        && context.User.FindFirstValue(RealtimeClaims.UserId) is { } userId
        && limiter.IsAtLimit(userId)
            ? RefuseAsync(context)
            : next(context);

    private async Task RefuseAsync(HttpContext context)
    {
        metrics.LimitRejected(LimitNames.ConnectionsPerUser, HubPaths.Of(context.Request.Path)!.TrimStart('/'));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many connections.",
                Detail = limiter.RefusalMessage,
            },
        });
    }

    private static bool StartsConnection(HttpContext context)
    {
        // The Upgrade header, not context.WebSockets: SignalR adds the WebSocket middleware only inside its endpoint.
        var path = context.Request.Path;
        return HubPaths.IsWebSocket(context)
            || (HubPaths.Of(path) is not null && HttpMethods.IsPost(context.Request.Method) && path.Value!.EndsWith("/negotiate", StringComparison.OrdinalIgnoreCase));
    }
}
