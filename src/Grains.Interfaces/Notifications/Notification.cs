namespace Realtime.Grains.Notifications;

/// <summary>
/// `notification` on the wire. <see cref="Id"/> is "{sequence}-{user tag}": the sequence orders a
/// user's notifications; the tag (derived from workspace and user) makes ids unique across users,
/// so an id of someone else's notification is refused rather than matched to one of yours.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.Notification")]
public sealed record Notification(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string Title,
    [property: Id(3)] string Message,
    [property: Id(4)] RawJson? Data,
    [property: Id(5)] string UserId,
    [property: Id(6)] string WorkspaceId,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] bool Read);

/// <summary>What a sender provides; the grain assigns id, time and read state.</summary>
[GenerateSerializer, Immutable, Alias("realtime.NotificationDraft")]
public sealed record NotificationDraft(
    [property: Id(0)] string Type,
    [property: Id(1)] string Title,
    [property: Id(2)] string Message,
    [property: Id(3)] RawJson? Data = null);

/// <summary>`notification:read:ack`: what was read and the unread count now.</summary>
[GenerateSerializer, Immutable, Alias("realtime.NotificationReadAck")]
public sealed record NotificationReadAck(
    [property: Id(0)] string? NotificationId,
    [property: Id(1)] bool All,
    [property: Id(2)] int UnreadCount);

/// <summary>`notification:unread`: the unread count, sent on connect after any missed notifications.</summary>
[GenerateSerializer, Immutable, Alias("realtime.UnreadCount")]
public sealed record UnreadCount([property: Id(0)] int Count);

/// <summary>One page of a user's notifications, newest first; <see cref="NextCursor"/> continues it.</summary>
[GenerateSerializer, Immutable, Alias("realtime.NotificationPage")]
public sealed record NotificationPage(
    [property: Id(0)] IReadOnlyList<Notification> Notifications,
    [property: Id(1)] int UnreadCount,
    [property: Id(2)] string? NextCursor);
