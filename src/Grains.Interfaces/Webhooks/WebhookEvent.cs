namespace Realtime.Grains.Webhooks;

/// <summary>
/// One webhook as the backend receives it: the body is <c>{ type, id, timestamp, workspaceId, userId?, data }</c>.
/// <see cref="Id"/> stays the same on every attempt, so a receiver drops repeats by it.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.WebhookEvent")]
public sealed record WebhookEvent(
    [property: Id(0)] string Type,
    [property: Id(1)] string Id,
    [property: Id(2)] DateTimeOffset Timestamp,
    [property: Id(3)] string WorkspaceId,
    [property: Id(4)] string? UserId,
    [property: Id(5)] string DataJson);

/// <summary>The webhook types, as configured in <c>Webhooks:Endpoints:{i}:Events</c>.</summary>
public static class WebhookEventTypes
{
    public const string PresenceOnline = "presence.online";
    public const string PresenceOffline = "presence.offline";
    public const string PresenceStatus = "presence.status";
    public const string NotificationRead = "notification.read";
    public const string NotificationUnread = "notification.unread";
    public const string InboxSlaEscalation = "inbox.sla.escalation";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        PresenceOnline, PresenceOffline, PresenceStatus, NotificationRead, NotificationUnread, InboxSlaEscalation,
    };
}
