using System.Collections.Frozen;
using System.Reflection;

namespace Realtime.Grains.Streaming;

/// <summary>Event names of the wire contract (docs/protocol.md), spelled exactly as clients expect them.</summary>
public static class RealtimeEvents
{
    public const string Connected = "connected";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string PageNavigate = "page:navigate";
    public const string PresenceGet = "presence:get";
    public const string PresenceList = "presence:list";
    public const string PresenceUpdate = "presence:update";
    public const string PresenceSummary = "presence:summary";
    public const string PresenceStatus = "presence:status";
    public const string PresenceTyping = "presence:typing";
    public const string PresenceActivity = "presence:activity";
    public const string PresenceOnline = "presence:online";
    public const string PresenceOnlineList = "presence:online:list";
    public const string PresenceWatch = "presence:watch";
    public const string PresenceWatchAck = "presence:watch:ack";
    public const string Notification = "notification";
    public const string NotificationRead = "notification:read";
    public const string NotificationReadAll = "notification:read:all";
    public const string NotificationReadAck = "notification:read:ack";
    public const string NotificationSubscribe = "notification:subscribe";
    public const string NotificationSubscribeAck = "notification:subscribe:ack";
    public const string NotificationSync = "notification:sync";
    public const string NotificationUnread = "notification:unread";

    public const string DashboardSubscribe = "dashboard:subscribe";
    public const string DashboardSubscribed = "dashboard:subscribed";
    public const string DashboardMetricUpdate = "dashboard:metric:update";
    public const string DashboardPostUpdate = "dashboard:post:update";
    public const string DashboardAnalyticsUpdate = "dashboard:analytics:update";
    public const string DashboardFollowersUpdate = "dashboard:followers:update";
    public const string DashboardEngagementUpdate = "dashboard:engagement:update";
    public const string MetricsSubscribe = "metrics:subscribe";
    public const string MetricsSubscribed = "metrics:subscribed";
    public const string MetricsUpdate = "metrics:update";

    /// <summary>Edge-internal: a connection's catch-up and live point (<c>NotificationCatchUp</c>); never sent to clients as such.</summary>
    public const string NotificationCatchUp = "$notification:catch-up";

    public const string InboxSubscribe = "inbox:subscribe";
    public const string InboxSubscribed = "inbox:subscribed";
    public const string InboxTyping = "inbox:typing";
    public const string InboxRead = "inbox:read";
    public const string InboxReadReceipt = "inbox:read:receipt";
    public const string InboxMessage = "inbox:message";
    public const string InboxConversationUpdate = "inbox:conversation:update";
    public const string InboxSlaEscalation = "inbox:sla:escalation";

    /// <summary>The edge is shutting down: reconnect (to another edge). Payload <c>{ reason }</c>.</summary>
    public const string Reconnect = "reconnect";

    /// <summary>The user's access was removed: the connection closes next. Payload <c>{ reason }</c>.</summary>
    public const string SessionRevoked = "session:revoked";

    /// <summary>Every name above, read from the constants so a new one is covered without a second list.</summary>
    public static readonly FrozenSet<string> All = typeof(RealtimeEvents)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToFrozenSet(StringComparer.Ordinal);
}
