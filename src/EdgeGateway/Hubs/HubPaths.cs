namespace Realtime.EdgeGateway.Hubs;

/// <summary>Hub paths: one per feature area (docs/protocol.md).</summary>
public static class HubPaths
{
    public const string Realtime = "/realtime";
    public const string Notifications = "/notifications";
    public const string Presence = "/presence";
    public const string Dashboard = "/dashboard";
    public const string Inbox = "/inbox";
    public const string Metrics = "/metrics";

    public static readonly IReadOnlyList<string> All = [Realtime, Notifications, Presence, Dashboard, Inbox, Metrics];

    /// <summary>The hub path a request is for (its negotiate, WebSocket or long polling), or null.</summary>
    public static string? Of(PathString path) =>
        All.FirstOrDefault(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A hub's WebSocket request: it lasts as long as the connection, so every middleware that
    /// awaits it keeps its state for the connection's life.
    /// </summary>
    public static bool IsWebSocket(HttpContext context) =>
        Of(context.Request.Path) is not null
        && context.Request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase));
}
