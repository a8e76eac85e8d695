using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Realtime.Grains.Webhooks;

namespace Realtime.Grains.Telemetry;

/// <summary>What the grains count, on meter "Realtime.Orleans.Grains". Tagged by event name only.</summary>
public sealed class RealtimeGrainMetrics
{
    public const string MeterName = "Realtime.Orleans.Grains";

    private readonly Counter<long> _published;
    private readonly Counter<long> _webhookAttempts;
    private readonly Counter<long> _webhooksDropped;
    private readonly UpDownCounter<long> _webhooksPending;
    private readonly UpDownCounter<long> _recoveryHistory;

    public RealtimeGrainMetrics(IMeterFactory meterFactory, IHostApplicationLifetime lifetime)
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
        _webhooksPending = meter.CreateUpDownCounter<long>(
            "realtime.webhooks.pending",
            unit: "{webhook}",
            description: "Webhooks waiting for their endpoint's 2xx in the outboxes active on this silo, retries included (the webhook backlog).");

        _recoveryHistory = meter.CreateUpDownCounter<long>(
            "realtime.recovery.history.size",
            unit: "By",
            description: "Bytes of recent events the workspaces active on this silo keep for edges and clients to recover (about; bounded per workspace by Recovery:WorkspaceBytes).");

        // Once the host has started (the meter provider starts with it; what comes before is lost).
        lifetime.ApplicationStarted.Register(ExportZeros);
    }

    /// <summary>Drops and the backlog exported at 0 from the start: Prometheus then counts the first drop, and the backlog reads 0 rather than nothing.</summary>
    private void ExportZeros()
    {
        _webhooksPending.Add(0);
        _recoveryHistory.Add(0);
        foreach (var type in WebhookEventTypes.All)
        {
            foreach (var reason in Enum.GetValues<WebhookDropReason>())
            {
                _webhooksDropped.Add(0, WebhookType(type), Reason(reason));
            }
        }
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
        _webhooksDropped.Add(1, WebhookType(type), Reason(reason));

    /// <summary>An outbox's count of waiting webhooks changed by <paramref name="delta"/> (its activation gone: minus all it had).</summary>
    public void WebhooksPendingChanged(long delta)
    {
        if (delta != 0)
        {
            _webhooksPending.Add(delta);
        }
    }

    /// <summary>A workspace's kept history changed by <paramref name="delta"/> bytes (its activation gone: minus all it had).</summary>
    public void RecoveryHistoryChanged(long delta)
    {
        if (delta != 0)
        {
            _recoveryHistory.Add(delta);
        }
    }

    private static KeyValuePair<string, object?> Reason(WebhookDropReason reason) => new("reason", reason.ToString().ToLowerInvariant());

    private static KeyValuePair<string, object?> WebhookType(string type) =>
        new("webhook.type", WebhookEventTypes.All.Contains(type) ? type : MetricTags.Other);
}
