using System.Diagnostics.Metrics;

namespace Realtime.Grains.Telemetry;

/// <summary>What the grains count, on meter "Realtime.Orleans.Grains". Tagged by event name only.</summary>
public sealed class RealtimeGrainMetrics
{
    public const string MeterName = "Realtime.Orleans.Grains";

    private readonly Counter<long> _published;

    public RealtimeGrainMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>(
            "realtime.grains.events.published",
            unit: "{event}",
            description: "Events published on edge streams: one per edge an event goes to.");
    }

    public void EventsPublished(string eventName, int edgeCount)
    {
        if (edgeCount > 0)
        {
            _published.Add(edgeCount, MetricTags.ForEvent(eventName));
        }
    }
}
