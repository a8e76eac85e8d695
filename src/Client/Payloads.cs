using System.Text.Json;

namespace Realtime.Client;

// The server's events as docs/protocol.md gives them. Free-form values (a notification's data, a
// post, analytics) stay JSON; statuses stay strings, so a value added later does not break a client.

/// <summary>
/// <c>connected</c>: the connection is registered in the cluster; every event published from now on
/// reaches it. <see cref="Recovered"/>: it passed <c>recover</c> and every event after that position
/// follows; false: nothing was replayed.
/// </summary>
public sealed record ConnectedEvent(string ConnectionId, string UserId, string WorkspaceId, DateTimeOffset ServerTime, bool Recovered = false);

/// <summary>
/// <see cref="HubClient.Recovery"/>: whether a hub (<see cref="Hub"/>, e.g. "realtime") that connected
/// again gets what it missed (true) or must reload its state (false).
/// </summary>
public sealed record HubRecovery(string Hub, bool Recovered);

/// <summary><c>reconnect</c> (the edge is draining) and <c>session:revoked</c> (the user's access was removed).</summary>
public sealed record ServerNotice(string Reason);

/// <summary>Presence of one user in one workspace; <see cref="Status"/> is online, away or offline.</summary>
public sealed record UserPresence(string UserId, string WorkspaceId, string Status, string? CurrentPage, DateTimeOffset LastSeen, int ConnectionCount, JsonElement? Activity);

/// <summary><c>presence:update</c>.</summary>
public sealed record PresenceUpdate(string WorkspaceId, IReadOnlyList<UserPresence> Users);

/// <summary><c>presence:summary</c> (large workspaces).</summary>
public sealed record PresenceSummary(string WorkspaceId, int Online, int Away, int Total);

/// <summary><c>presence:list</c> and <c>presence:online:list</c>: one page; <see cref="NextCursor"/> continues it.</summary>
public sealed record PresenceList(string WorkspaceId, IReadOnlyList<UserPresence> Users, string? NextCursor);

/// <summary><c>presence:typing</c>.</summary>
public sealed record PresenceTyping(string UserId, string ConversationId, bool IsTyping);

/// <summary><c>presence:activity</c>.</summary>
public sealed record PresenceActivity(string UserId, string Type, string ResourceId, string ResourceType, DateTimeOffset At);

/// <summary><c>notification</c>.</summary>
public sealed record Notification(string Id, string Type, string Title, string Message, JsonElement? Data, string UserId, string WorkspaceId, DateTimeOffset CreatedAt, bool Read);

/// <summary><c>notification:unread</c>.</summary>
public sealed record UnreadCount(int Count);

/// <summary><c>notification:read:ack</c>: what was read (on any connection of the user) and the unread count now.</summary>
public sealed record NotificationReadAck(string? NotificationId, bool All, int UnreadCount);

/// <summary><c>dashboard:metric:update</c>.</summary>
public sealed record DashboardMetricUpdate(string WorkspaceId, DateTimeOffset Timestamp, string Metric, double Value, string? Platform, JsonElement? Data);

/// <summary><c>dashboard:post:update</c>.</summary>
public sealed record DashboardPostUpdate(string WorkspaceId, DateTimeOffset Timestamp, string PostId, string? Platform, JsonElement Post);

/// <summary><c>dashboard:analytics:update</c>.</summary>
public sealed record DashboardAnalyticsUpdate(string WorkspaceId, DateTimeOffset Timestamp, string? Platform, JsonElement Analytics);

/// <summary><c>dashboard:followers:update</c>.</summary>
public sealed record DashboardFollowersUpdate(string WorkspaceId, DateTimeOffset Timestamp, string Platform, string AccountId, long Followers, long Change);

/// <summary><c>dashboard:engagement:update</c>.</summary>
public sealed record DashboardEngagementUpdate(string WorkspaceId, DateTimeOffset Timestamp, string Platform, string? AccountId, JsonElement Engagement);

/// <summary><c>metrics:update</c>.</summary>
public sealed record MetricsUpdate(string WorkspaceId, DateTimeOffset Timestamp, string Metric, double Value, JsonElement? Data);

/// <summary><c>inbox:message</c>.</summary>
public sealed record InboxMessage(string WorkspaceId, string ConversationId, string MessageId, string AuthorId, bool FromCustomer, string Content, JsonElement? Data, DateTimeOffset SentAt);

/// <summary>The newest message of a conversation, without its content.</summary>
public sealed record InboxLastMessage(string MessageId, string AuthorId, bool FromCustomer, DateTimeOffset SentAt);

/// <summary><c>inbox:conversation:update</c>; <see cref="Status"/> is open, pending, resolved or closed.</summary>
public sealed record InboxConversation(
    string WorkspaceId,
    string ConversationId,
    string? Assignee,
    string Status,
    IReadOnlyList<string> Participants,
    InboxLastMessage? LastMessage,
    DateTimeOffset? WaitingSince,
    DateTimeOffset? SlaDeadline,
    bool Escalated,
    DateTimeOffset UpdatedAt);

/// <summary><c>inbox:typing</c>.</summary>
public sealed record InboxTyping(string UserId, string ConversationId, bool IsTyping);

/// <summary><c>inbox:read:receipt</c>.</summary>
public sealed record InboxReadReceipt(string ConversationId, string MessageId, string UserId, DateTimeOffset ReadAt);

/// <summary><c>inbox:sla:escalation</c>: a customer waited past the conversation's SLA.</summary>
public sealed record InboxSlaEscalation(string WorkspaceId, string ConversationId, string? Assignee, DateTimeOffset WaitingSince, DateTimeOffset Deadline);
