using System.Text.Json;

namespace Realtime.Backend.Http;

/// <summary>202 of a notification: the notification's id (for a workspace notification, its number in the workspace's feed).</summary>
public sealed record NotificationSent(string Id);

/// <summary>The latest value of one dashboard or metrics key: the event clients get and its payload.</summary>
public sealed record DashboardValue(string Event, JsonElement Payload);

/// <summary>The latest value of every dashboard and metrics key of a workspace.</summary>
public sealed record DashboardValues(string WorkspaceId, IReadOnlyList<DashboardValue> Updates);

/// <summary>How many connections the edges closed for a revoked user within a second.</summary>
public sealed record UserRevoked(int Closed);

/// <summary>Who wrote an inbox message.</summary>
public enum MessageAuthor
{
    Customer,
    Team,
}
