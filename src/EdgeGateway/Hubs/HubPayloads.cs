namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// `connected`, sent on every hub right after the handshake. <see cref="Recovered"/>: every event
/// after the position the client passed back (`recover`) follows, before any live one.
/// </summary>
public sealed record ConnectedEvent(string ConnectionId, string UserId, string WorkspaceId, DateTimeOffset ServerTime, bool Recovered = false);

/// <summary>`pong`, the reply to `ping`.</summary>
public sealed record PongEvent(DateTimeOffset Timestamp);

/// <summary>
/// Base of client payloads. A payload may name its workspace; if it names another one than the
/// connection's, the call is refused (a connection acts only in the workspace it joined).
/// </summary>
public abstract record ClientRequest
{
    public string? WorkspaceId { get; init; }
}

/// <summary>`page:navigate`.</summary>
public sealed record PageNavigateRequest(string? Page) : ClientRequest;

/// <summary>`presence:get` and `presence:online`: an optional page of the member list.</summary>
public sealed record PresencePageRequest(string? Cursor, int? Limit) : ClientRequest;

/// <summary>`presence:status`.</summary>
public sealed record PresenceStatusRequest(string? Status) : ClientRequest;

/// <summary>`presence:typing`.</summary>
public sealed record TypingRequest(string? ConversationId, bool? IsTyping) : ClientRequest;

/// <summary>`presence:activity`.</summary>
public sealed record ActivityRequest(string? Type, string? ResourceId, string? ResourceType) : ClientRequest;

/// <summary>`presence:watch`: the users whose every change this connection wants, in a large workspace too.</summary>
public sealed record WatchRequest(IReadOnlyList<string>? UserIds) : ClientRequest;

/// <summary>`presence:watch:ack`.</summary>
public sealed record WatchAck(IReadOnlyList<string> UserIds);

/// <summary>`notification:read`.</summary>
public sealed record NotificationReadRequest(string? NotificationId) : ClientRequest;

/// <summary>`notification:subscribe`: receive only these types from now on.</summary>
public sealed record NotificationSubscribeRequest(IReadOnlyList<string>? Types) : ClientRequest;

/// <summary>`notification:subscribe:ack`.</summary>
public sealed record NotificationSubscribeAck(IReadOnlyList<string> Types);

/// <summary>`notification:sync`: replay what came after this id before the connection went live.</summary>
public sealed record NotificationSyncRequest(string? LastNotificationId) : ClientRequest;

/// <summary>`dashboard:subscribe`: optionally only some platforms.</summary>
public sealed record DashboardSubscribeRequest(IReadOnlyList<string>? Platforms) : ClientRequest;

/// <summary>`dashboard:subscribed` and `metrics:subscribed`.</summary>
public sealed record LiveUpdatesSubscribed(string WorkspaceId, IReadOnlyList<string>? Filter, bool Recovered = false);

/// <summary>`metrics:subscribe`: optionally only some metrics.</summary>
public sealed record MetricsSubscribeRequest(IReadOnlyList<string>? Metrics) : ClientRequest;
