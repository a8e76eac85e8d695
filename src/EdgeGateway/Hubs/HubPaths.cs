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
}
