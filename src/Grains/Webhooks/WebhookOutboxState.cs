using Realtime.Grains.Presence;

namespace Realtime.Grains.Webhooks;

/// <summary>Persisted state of one webhook outbox: what is due later and what waits for each endpoint.</summary>
[GenerateSerializer, Alias("realtime.WebhookOutboxState")]
public sealed class WebhookOutboxState
{
    /// <summary>The presence status last announced (null: never announced, as good as offline).</summary>
    [Id(0)]
    public PresenceStatus? Announced { get; set; }

    /// <summary>Webhooks to publish at their due time unless cancelled first, by due time.</summary>
    [Id(1)]
    public List<ScheduledWebhook> Scheduled { get; set; } = [];

    /// <summary>Webhooks not yet answered 2xx, per endpoint URL, oldest first.</summary>
    [Id(2)]
    public Dictionary<string, List<PendingWebhook>> Pending { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Immutable, Alias("realtime.PendingWebhook")]
public sealed record PendingWebhook(
    [property: Id(0)] WebhookEvent Webhook,
    [property: Id(1)] DateTimeOffset QueuedAt,
    [property: Id(2)] int FailedAttempts,
    [property: Id(3)] DateTimeOffset NextAttemptAt);
