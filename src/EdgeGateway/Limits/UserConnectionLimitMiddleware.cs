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
    public async Task InvokeAsync(HttpContext context)
    {
        if (StartsConnection(context)
            && context.User.FindFirstValue(RealtimeClaims.UserId) is { } userId
            && limiter.IsAtLimit(userId))
        {
            metrics.LimitRejected(LimitNames.ConnectionsPerUser, HubOf(context.Request.Path));
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
            return;
        }

        await next(context);
    }

    private static bool StartsConnection(HttpContext context)
    {
        var path = context.Request.Path;
        var hub = HubPaths.All.FirstOrDefault(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
        if (hub is null)
        {
            return false;
        }

        // The Upgrade header, not context.WebSockets: SignalR adds the WebSocket middleware only inside its endpoint.
        return context.Request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase))
            || (HttpMethods.IsPost(context.Request.Method) && path.Value!.EndsWith("/negotiate", StringComparison.OrdinalIgnoreCase));
    }

    private static string HubOf(PathString path) =>
        HubPaths.All.First(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)).TrimStart('/');
}
