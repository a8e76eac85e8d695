using System.Diagnostics.Metrics;
using Realtime.EdgeGateway.Limits;
using Realtime.EdgeGateway.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;

namespace Realtime.EdgeGateway.Telemetry;

/// <summary>
/// What an edge counts, on meter "Realtime.Orleans.Edge". Tags are hub and event names only
/// (<see cref="MetricTags"/>), never user, workspace or connection ids.
/// </summary>
public sealed class EdgeMetrics
{
    public const string MeterName = "Realtime.Orleans.Edge";

    /// <summary>Milliseconds; finer than OpenTelemetry's defaults at the low end, where realtime delivery lives.</summary>
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
    };

    private readonly TimeProvider _time;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _received;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dispatchErrors;
    private readonly Counter<long> _slowConsumerDrops;
    private readonly Counter<long> _conflated;
    private readonly Counter<long> _resubscriptions;
    private readonly Counter<long> _feedRepairs;
    private readonly Counter<long> _feedRepeats;
    private readonly Counter<long> _limitRejections;
    private readonly Counter<long> _invocationErrors;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Histogram<double> _streamLag;

    public EdgeMetrics(IMeterFactory meterFactory, LocalConnections localConnections, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>(
            "realtime.edge.connections", "{connection}", "Open SignalR connections on this edge, by hub.");
        _received = meter.CreateCounter<long>(
            "realtime.edge.events.received", "{event}", "Events this edge received from its stream, by event name.");
        _delivered = meter.CreateCounter<long>(
            "realtime.edge.messages.delivered", "{message}", "Messages handed to SignalR, by hub: one per audience (a group send counts once).");
        _dispatchErrors = meter.CreateCounter<long>(
            "realtime.edge.dispatch.errors", "{event}", "Events whose delivery to SignalR failed, by event name.");
        _slowConsumerDrops = meter.CreateCounter<long>(
            "realtime.edge.slow_consumer.drops", "{message}", "Messages dropped for connections that do not keep up, by hub.");
        _resubscriptions = meter.CreateCounter<long>(
            "realtime.edge.stream.resubscriptions", "{subscription}", "Times this edge found its stream subscription gone from the cluster and subscribed again.");
        _feedRepairs = meter.CreateCounter<long>(
            "realtime.edge.feed.repairs", "{repair}", "Times this edge asked a workspace for events it missed, by outcome: complete (every missed event sent again), partial (history gone: current presence sent), log (an earlier activation's broadcasts read from the broadcast log), elsewhere (another activation answered without the log; asked again later), failed (asked again later).");
        _feedRepeats = meter.CreateCounter<long>(
            "realtime.edge.feed.repeats", "{event}", "Workspace events this edge dropped because it had already delivered them (a late copy of an event it had repaired).");
        _limitRejections = meter.CreateCounter<long>(
            "realtime.edge.limits.rejected", "{rejection}", "Calls, connections and messages refused by a limit (Edge:Limits), by limit and hub.");
        _invocationErrors = meter.CreateCounter<long>(
            "realtime.edge.hub.invocation.errors", "{invocation}", "Hub method calls that failed, by hub and kind: refused (bad input, a limit, a policy) or failed (a server-side error).");
        _deliveryLatency = meter.CreateHistogram(
            "realtime.edge.delivery.latency", "ms", "From the grain publishing an event to this edge having handed it to SignalR, by event name.", tags: null, LatencyBuckets);
        _streamLag = meter.CreateHistogram(
            "realtime.edge.stream.lag", "ms", "From the grain publishing an event to this edge receiving it, before dispatch, by event name.", tags: null, LatencyBuckets);
        _conflated = meter.CreateCounter<long>(
            "realtime.edge.updates.conflated", "{update}", "Dashboard and metrics updates never sent to a connection because a newer value of the same key was waiting for it or already sent, by hub.");
        meter.CreateObservableGauge(
            "realtime.edge.users.online", () => localConnections.UserCount, "{user}", "Distinct users with a /realtime or /presence connection on this edge.");

        // Once the host has started: the OpenTelemetry meter provider starts with it, and what is
        // recorded before it listens is lost. At once if the host has started already.
        lifetime.ApplicationStarted.Register(ExportZeros);
    }

    /// <summary>
    /// Failures, drops and conflations are exported at 0 for each hub (and event) from the start:
    /// a rate or increase in Prometheus then counts the first one, and an alert rule always has
    /// its series to look at.
    /// </summary>
    private void ExportZeros()
    {
        foreach (var hub in Enum.GetValues<RealtimeHubs>().Where(h => h != RealtimeHubs.None))
        {
            _slowConsumerDrops.Add(0, MetricTags.ForHub(hub));
            InvocationFailed(MetricTags.HubName(hub), refused: true, count: 0);
            InvocationFailed(MetricTags.HubName(hub), refused: false, count: 0);
        }

        _conflated.Add(0, MetricTags.ForHub(RealtimeHubs.Dashboard));
        _conflated.Add(0, MetricTags.ForHub(RealtimeHubs.Metrics));
        foreach (var eventName in RealtimeEvents.All)
        {
            _dispatchErrors.Add(0, MetricTags.ForEvent(eventName));
        }
    }

    public void ConnectionOpened(string hub) => _connections.Add(1, MetricTags.ForHub(hub));

    public void ConnectionClosed(string hub) => _connections.Add(-1, MetricTags.ForHub(hub));

    /// <summary>An event arrived from the stream: counted, and its lag since the grain published it recorded.</summary>
    public void EventReceived(EdgeEvent evt)
    {
        var tag = MetricTags.ForEvent(evt.EventName);
        _received.Add(1, tag);
        _streamLag.Record(SincePublished(evt), tag);
    }

    /// <summary>Every delivery of the event has been handed to SignalR.</summary>
    public void EventDispatched(EdgeEvent evt) => _deliveryLatency.Record(SincePublished(evt), MetricTags.ForEvent(evt.EventName));

    public void MessageDelivered(RealtimeHubs hub) => _delivered.Add(1, MetricTags.ForHub(hub));

    public void DispatchFailed(string eventName) => _dispatchErrors.Add(1, MetricTags.ForEvent(eventName));

    public void StreamResubscribed() => _resubscriptions.Add(1);

    /// <summary>A workspace feed repair: "complete", "partial", "elsewhere" or "failed".</summary>
    public void FeedRepaired(string outcome) => _feedRepairs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void FeedRepeatDropped() => _feedRepeats.Add(1);

    /// <summary>
    /// Once per message dropped for a connection that does not keep up. <paramref name="hub"/> is a hub
    /// name ("realtime", "presence", "notifications", ...); anything else is counted as "other".
    /// </summary>
    public void RecordSlowConsumerDrop(string hub) => _slowConsumerDrops.Add(1, MetricTags.ForHub(hub));

    /// <summary>A dashboard or metrics update superseded by a newer value of its key before a connection got it.</summary>
    public void UpdateConflated(RealtimeHubs hub) => _conflated.Add(1, MetricTags.ForHub(hub));

    /// <summary>A hub method call failed: <paramref name="refused"/> when the caller's input, a limit or a policy refused it, else a server-side failure.</summary>
    public void InvocationFailed(string hub, bool refused) => InvocationFailed(hub, refused, count: 1);

    private void InvocationFailed(string hub, bool refused, int count) =>
        _invocationErrors.Add(
            count,
            new KeyValuePair<string, object?>(MetricTags.Hub, MetricTags.HubName(hub)),
            new KeyValuePair<string, object?>("kind", refused ? "refused" : "failed"));

    /// <summary>
    /// Something a client sent or opened was refused by a limit. <paramref name="limit"/> is one of
    /// LimitNames; <paramref name="hub"/> a hub name, or "http" for the HTTP API.
    /// </summary>
    public void LimitRejected(string limit, string hub) =>
        _limitRejections.Add(
            1,
            new KeyValuePair<string, object?>(LimitNames.Tag, limit),
            new KeyValuePair<string, object?>(MetricTags.Hub, hub == LimitNames.HttpApi ? hub : MetricTags.HubName(hub)));

    /// <summary>Milliseconds since the grain's publish time; clocks of different machines may disagree, so never below 0.</summary>
    private double SincePublished(EdgeEvent evt) => Math.Max(0, (_time.GetUtcNow() - evt.PublishedAt).TotalMilliseconds);
}
