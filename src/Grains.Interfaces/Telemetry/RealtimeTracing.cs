using System.Diagnostics;
using Realtime.Grains.Streaming;

namespace Realtime.Grains.Telemetry;

/// <summary>
/// Our own spans, on ActivitySource "Realtime.Orleans": a grain publishing an event on the edges'
/// streams, and an edge delivering it to its sockets. The stream hop is a message, not a call, so
/// no grain call filter carries the trace across it: the event carries the publish span's W3C
/// traceparent (<see cref="EdgeEvent.TraceParent"/>) and the edge's delivery span continues it.
/// Nothing is created unless a tracer listens (tracing off: <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null).
/// </summary>
public static class RealtimeTracing
{
    public const string SourceName = "Realtime.Orleans";

    /// <summary>The event's name as sent to clients (service-defined for broadcasts, so kept out of span names).</summary>
    public const string EventNameTag = "realtime.event.name";

    /// <summary>How many edges a publish went to.</summary>
    public const string EdgeCountTag = "realtime.edge.count";

    /// <summary>The edge that delivered an event.</summary>
    public const string EdgeIdTag = "realtime.edge.id";

    /// <summary>How many audiences (a workspace, a user, a connection...) a delivery went to on one edge.</summary>
    public const string AudienceCountTag = "realtime.audience.count";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Whether a tracer listens to our source: without one, nothing here allocates.</summary>
    public static bool IsOn => Source.HasListeners();

    /// <summary>
    /// A grain publishing an event to <paramref name="edgeCount"/> edges; current until its caller's
    /// async method returns. Null when nobody traces.
    /// </summary>
    public static Activity? StartPublish(string eventName, int edgeCount)
    {
        var activity = Source.StartActivity($"publish {MetricTags.EventNameOf(eventName)}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag(EventNameTag, eventName);
            activity.SetTag(EdgeCountTag, edgeCount);
        }

        return activity;
    }

    /// <summary>
    /// An edge handing an event to SignalR, a child of the grain's publish span when the event
    /// carries one. A child rather than a link: each stream message is delivered once, on one edge,
    /// by one span, so its cause is unambiguous, and a child keeps request, grain calls and every
    /// edge's delivery in one trace (the delivery may end after the request answered, as any
    /// asynchronous consumer does). Links are for a span that handles many messages of different
    /// traces at once, which no delivery does. Without a traceparent (tracing off on the silo, or
    /// a silo of an earlier version) the delivery starts from whatever is current.
    /// </summary>
    public static Activity? StartDelivery(EdgeEvent evt, string edgeId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var name = $"deliver {MetricTags.EventNameOf(evt.EventName)}";
        var activity = ActivityContext.TryParse(evt.TraceParent, traceState: null, isRemote: true, out var parent)
            ? Source.StartActivity(name, ActivityKind.Consumer, parent)
            : Source.StartActivity(name, ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag(EventNameTag, evt.EventName);
            activity.SetTag(EdgeIdTag, edgeId);
            activity.SetTag(AudienceCountTag, evt.Deliveries.Count);
        }

        return activity;
    }

    /// <summary>The W3C traceparent to carry in a message, or null when there is no W3C span.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>Marks a span failed, naming the exception's type (not its message, which may carry ids).</summary>
    public static void Failed(Activity? activity, Exception exception) =>
        activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
}
