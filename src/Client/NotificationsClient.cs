using Microsoft.Extensions.Logging;

namespace Realtime.Client;

/// <summary>
/// /notifications: the user's notifications, live and recovered. Each received id is kept in the
/// <see cref="INotificationPositionStore"/> before the app sees it; every connection and reconnection
/// opens with the last one, so none is missed or repeated. The types subscribed to are renewed after
/// a reconnection.
/// </summary>
public sealed class NotificationsClient : HubClient
{
    private readonly INotificationPositionStore _positions;
    private IReadOnlyList<string>? _types;
    private volatile bool _resumesFromLastId;

    public NotificationsClient(RealtimeClientOptions options, INotificationPositionStore? positions = null, ILogger<NotificationsClient>? logger = null)
        : base(options, "notifications", logger)
    {
        _positions = positions ?? new InMemoryNotificationPositionStore();
        On<Notification>("notification", async notification =>
        {
            await _positions.SetLastNotificationIdAsync(WorkspaceId, notification.Id, CancellationToken.None);
            Raise(NotificationReceived, notification);
        });
        On<UnreadCount>("notification:unread", count => Raise(UnreadCountChanged, count));
        On<NotificationReadAck>("notification:read:ack", ack => Raise(ReadAcknowledged, ack));
    }

    /// <summary><c>notification</c>: a new one, or one missed while disconnected (those first, in order).</summary>
    public event Action<Notification>? NotificationReceived;

    /// <summary><c>notification:unread</c>: on connecting, and when asked.</summary>
    public event Action<UnreadCount>? UnreadCountChanged;

    /// <summary><c>notification:read:ack</c>: something was read, on any connection of the user.</summary>
    public event Action<NotificationReadAck>? ReadAcknowledged;

    public Task<NotificationReadAck> ReadAsync(string notificationId, CancellationToken cancellationToken = default) =>
        InvokeAsync<NotificationReadAck>("notification:read", new { notificationId }, cancellationToken);

    public Task<NotificationReadAck> ReadAllAsync(CancellationToken cancellationToken = default) =>
        InvokeAsync<NotificationReadAck>("notification:read:all", null, cancellationToken);

    public Task<UnreadCount> GetUnreadCountAsync(CancellationToken cancellationToken = default) =>
        InvokeAsync<UnreadCount>("notification:unread", null, cancellationToken);

    /// <summary>Only these types from now on, on this connection and every reconnection (sent when connected).</summary>
    public async Task SubscribeAsync(IEnumerable<string> types, CancellationToken cancellationToken = default)
    {
        _types = [.. types];
        if (IsConnected)
        {
            await InvokeAsync("notification:subscribe", new { types = _types }, cancellationToken);
        }
    }

    /// <summary>Missed notifications come back by the last id, position or not.</summary>
    protected override bool RecoversWithoutPosition => _resumesFromLastId;

    protected override async ValueTask<string> ExtraQueryAsync(CancellationToken cancellationToken)
    {
        var last = await _positions.GetLastNotificationIdAsync(WorkspaceId, cancellationToken);
        _resumesFromLastId = last is not null;
        return last is null ? "" : "&lastNotificationId=" + Uri.EscapeDataString(last);
    }

    protected override async Task RenewSubscriptionsAsync(CancellationToken cancellationToken)
    {
        if (_types is { } types)
        {
            await InvokeAsync("notification:subscribe", new { types }, cancellationToken);
        }
    }
}
