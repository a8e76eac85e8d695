using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Notifications;

namespace Realtime.SystemTests.Faults;

/// <summary>What the fault tests send and how: notifications retried as a real backend retries them.</summary>
public static class FaultTraffic
{
    public const string WorkspaceId = "w1";

    /// <summary>Long enough to ride out a silo's death (~5 s before the cluster declares it dead) or a Redis restart.</summary>
    public static readonly TimeSpan SendWindow = TimeSpan.FromSeconds(45);

    /// <summary>
    /// A backend's per-attempt timeout. A call in flight on the connection to a gateway that died is
    /// failed only by Cluster:ResponseTimeout (30 s); a retry policy does better to give up sooner
    /// and retry through another gateway. An attempt given up may still have been stored: its
    /// notification then has an id nobody was told, which is a duplicate of content, never a loss.
    /// </summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    public static string Token(string userId) =>
        new DevelopmentTokenIssuer(RealtimeSystem.JwtSettings, TimeProvider.System)
            .Issue(userId, [WorkspaceId], ["member"], TimeSpan.FromMinutes(10));

    /// <summary>
    /// Sends until accepted; the returned id is an accepted notification that must not be lost.
    /// With <paramref name="attemptTimeout"/>, each attempt is given up after it (see <see cref="AttemptTimeout"/>).
    /// </summary>
    public static async Task<string> SendAsync(IClusterClient client, string userId, int sequence, TimeSpan? attemptTimeout = null)
    {
        var notifications = new NotificationService(client);
        var sent = await Eventually.SucceedsAsync(
            () => notifications.SendNotification(userId, WorkspaceId, NotificationTypes.Mention, $"n{sequence}", "fault test").WaitAsync(attemptTimeout ?? Timeout.InfiniteTimeSpan),
            SendWindow);
        return sent.Id;
    }

    /// <summary>Every notification of the user the grain keeps (newest first, all pages).</summary>
    public static async Task<HashSet<string>> ListedAsync(IClusterClient client, string userId)
    {
        var notifications = new NotificationService(client);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = await Eventually.SucceedsAsync(() => notifications.GetNotifications(userId, WorkspaceId, cursor, 100), SendWindow);
            ids.UnionWith(page.Notifications.Select(n => n.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }
}
