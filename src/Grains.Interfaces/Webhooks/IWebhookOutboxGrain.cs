using Realtime.Grains.Presence;

namespace Realtime.Grains.Webhooks;

/// <summary>
/// The webhooks of one user in one workspace (key <see cref="WebhookOutboxKey.For"/>), or of a
/// workspace itself for what concerns no user: kept in grain state until each configured endpoint
/// answered 2xx, delivered to each endpoint in the order they were published.
/// </summary>
[Alias("realtime.IWebhookOutboxGrain")]
public interface IWebhookOutboxGrain : IGrainWithStringKey
{
    /// <summary>
    /// The user's presence status as their presence grain now derives it. Becomes presence.online,
    /// presence.status, or presence.offline once the user stayed offline for the grace period.
    /// </summary>
    [Alias("PresenceChanged")]
    Task PresenceChanged(PresenceStatus status);

    /// <summary>
    /// Queues <paramref name="webhook"/> for every endpoint that wants its type. Events scheduled
    /// under a key starting with <paramref name="cancelScheduled"/> are dropped first (a read
    /// notification is not announced as unread).
    /// </summary>
    [Alias("Publish")]
    Task Publish(WebhookEvent webhook, string? cancelScheduled);

    /// <summary>Publishes each webhook at its due time unless cancelled under its key before then; a key scheduled again is replaced.</summary>
    [Alias("Schedule")]
    Task Schedule(IReadOnlyList<ScheduledWebhook> webhooks);
}

/// <summary>A webhook to publish at <see cref="Due"/>, unless cancelled under <see cref="Key"/> first.</summary>
[GenerateSerializer, Immutable, Alias("realtime.ScheduledWebhook")]
public sealed record ScheduledWebhook(
    [property: Id(0)] string Key,
    [property: Id(1)] WebhookEvent Webhook,
    [property: Id(2)] DateTimeOffset Due);

/// <summary>Keys of <see cref="IWebhookOutboxGrain"/>.</summary>
public static class WebhookOutboxKey
{
    /// <summary>"workspaceId/userId", or "workspaceId" for webhooks about no user in particular.</summary>
    public static string For(string workspaceId, string? userId) =>
        userId is null ? workspaceId : RealtimeIds.UserInWorkspace(workspaceId, userId);

    public static (string WorkspaceId, string? UserId) Parse(string key) =>
        key.Contains('/', StringComparison.Ordinal) ? RealtimeIds.ParseUserInWorkspace(key) : (key, null);
}
