using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Identity;

namespace Realtime.EdgeGateway.Hubs;

public static class HubCallerContextExtensions
{
    /// <summary>
    /// The connection's user and workspace. The hub endpoint's authorization policy already
    /// refused connections without them, so their absence here is a bug, not bad input. Kept as a
    /// connection feature: Items would give every connection a dictionary of its own.
    /// </summary>
    public static ConnectionIdentity GetIdentity(this HubCallerContext context)
    {
        if (context.Features.Get<ConnectionIdentity>() is { } cached)
        {
            return cached;
        }

        var http = context.GetHttpContext() ?? throw new InvalidOperationException("Hub connection has no HTTP context.");
        var identity = ConnectionIdentity.FromRequest(context.User ?? http.User, http.Request)
            ?? throw new HubException("Connection has no workspace granted by its token.");
        context.Features.Set(identity);
        return identity;
    }
}
