using System.Diagnostics.Metrics;
using Realtime.Grains.Webhooks;

namespace Realtime.Grains.Telemetry;

/// <summary>What the grains count, on meter "Realtime.Orleans.Grains". Tagged by event name only.</summary>
public sealed class RealtimeGrainMetrics
{
    public const string MeterName = "Realtime.Orleans.Grains";

    private readonly Counter<long> _published;
    private readonly Counter<long> _webhookAttempts;
    private readonly Counter<long> _webhooksDropped;

    public RealtimeGrainMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>(
            "realtime.grains.events.published",
            unit: "{event}",
            description: "Events published on edge streams: one per edge an event goes to.");
        _webhookAttempts = meter.CreateCounter<long>(
            "realtime.webhooks.attempts",
            unit: "{attempt}",
            description: "Webhook deliveries attempted, by type and outcome (delivered: a 2xx answer; failed: anything else, retried later).");
        _webhooksDropped = meter.CreateCounter<long>(
            "realtime.webhooks.dropped",
            unit: "{webhook}",
            description: "Webhooks given up undelivered, by type and reason (overflow, expired, unconfigured).");
    }

    public void EventsPublished(string eventName, int edgeCount)
    {
        if (edgeCount > 0)
        {
            _published.Add(edgeCount, MetricTags.ForEvent(eventName));
        }
    }

    public void WebhookAttempted(string type, bool delivered) =>
        _webhookAttempts.Add(1, WebhookType(type), new("outcome", delivered ? "delivered" : "failed"));

    public void WebhookDropped(string type, WebhookDropReason reason) =>
        _webhooksDropped.Add(1, WebhookType(type), new("reason", reason.ToString().ToLowerInvariant()));

    private static KeyValuePair<string, object?> WebhookType(string type) =>
        new("webhook.type", WebhookEventTypes.All.Contains(type) ? type : MetricTags.Other);
}
