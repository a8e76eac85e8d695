using Orleans.Concurrency;

namespace Realtime.Grains.Notifications;

/// <summary>
/// One user's notifications in one workspace, kept until read (bounded; oldest read ones go
/// first), delivered to every connection of the user and replayed to connections that missed
/// them. Key: <see cref="RealtimeIds.UserInWorkspace"/> ("workspaceId/userId").
/// </summary>
[Alias("realtime.INotificationGrain")]
public interface INotificationGrain : IGrainWithStringKey
{
    /// <summary>Stores a notification and delivers it to the user's connections. Throws ArgumentException for a bad draft.</summary>
    [Alias("Send")]
    Task<Notification> Send(NotificationDraft draft);

    /// <summary>A workspace-wide notification, fanned out by the workspace's feed.</summary>
    [Alias("ReceiveWorkspaceNotification"), OneWay]
    Task ReceiveWorkspaceNotification(WorkspaceNotification notification);

    /// <summary>
    /// Where a new connection starts: the id of the newest notification the user has (workspace-wide
    /// ones sent so far taken first), or of the start when there is none. Taken before the
    /// connection's handshake and passed to <see cref="Attach"/> as its last seen id, it makes every
    /// notification accepted after the handshake reach the connection, whenever it attaches.
    /// </summary>
    [Alias("GetStartingPoint")]
    Task<string> GetStartingPoint();

    /// <summary>
    /// A /notifications connection starts: it receives live notifications from now on, after the
    /// ones since <paramref name="lastSeenId"/> (if given) and the unread count.
    /// </summary>
    [Alias("Attach")]
    Task Attach(string connectionId, string edgeId, string? lastSeenId);

    /// <summary>Sends the connection, once and in order, what came after <paramref name="lastSeenId"/> before it went live.</summary>
    [Alias("Sync")]
    Task Sync(string connectionId, string edgeId, string lastSeenId);

    [Alias("Detach")]
    Task Detach(string connectionId);

    /// <summary>Marks one notification read. Throws KeyNotFoundException for an id that is not one of this user's.</summary>
    [Alias("MarkRead")]
    Task<NotificationReadAck> MarkRead(string notificationId);

    [Alias("MarkAllRead")]
    Task<NotificationReadAck> MarkAllRead();

    /// <summary>Newest first, <paramref name="limit"/> at a time, continuing after <paramref name="cursor"/>.</summary>
    [Alias("List")]
    Task<NotificationPage> List(string? cursor, int limit, bool unreadOnly);

    [Alias("GetUnreadCount")]
    Task<int> GetUnreadCount();
}
