namespace Realtime.EdgeGateway.Hubs;

/// <summary>`connected`, sent on every hub right after the handshake.</summary>
public sealed record ConnectedEvent(string ConnectionId, string UserId, string WorkspaceId, DateTimeOffset ServerTime);

/// <summary>`pong`, the reply to `ping`.</summary>
public sealed record PongEvent(DateTimeOffset Timestamp);

/// <summary>`page:navigate` from the client.</summary>
public sealed record PageNavigateRequest(string? Page);

/// <summary>`presence:get` from the client: an optional page, the payload itself may be absent.</summary>
public sealed record PresencePageRequest(string? Cursor, int? Limit);
