using System.Collections.Concurrent;

namespace Realtime.Client;

/// <summary>
/// Where the id of the last notification the app received is kept, per workspace: the
/// notifications client connects with it, so the edge sends every newer one, in order, exactly once,
/// before the live ones. Keep it somewhere durable (a file, the app's settings) to recover what was
/// sent while the app was not running too.
/// </summary>
public interface INotificationPositionStore
{
    ValueTask<string?> GetLastNotificationIdAsync(string workspaceId, CancellationToken cancellationToken);

    ValueTask SetLastNotificationIdAsync(string workspaceId, string notificationId, CancellationToken cancellationToken);
}

/// <summary>The default store: recovers across reconnections of this process, not across restarts.</summary>
public sealed class InMemoryNotificationPositionStore : INotificationPositionStore
{
    private readonly ConcurrentDictionary<string, string> _last = new(StringComparer.Ordinal);

    public ValueTask<string?> GetLastNotificationIdAsync(string workspaceId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_last.TryGetValue(workspaceId, out var id) ? id : null);

    public ValueTask SetLastNotificationIdAsync(string workspaceId, string notificationId, CancellationToken cancellationToken)
    {
        _last[workspaceId] = notificationId;
        return ValueTask.CompletedTask;
    }
}
