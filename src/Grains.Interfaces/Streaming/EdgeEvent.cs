namespace Realtime.Grains.Streaming;

/// <summary>
/// Server-to-client events on their way from a grain to one edge: one event name, delivered
/// on each named hub to each delivery's audience. It crosses the cluster once per edge however
/// many sockets there want it. Payloads are [GenerateSerializer] wire records. An event of a
/// workspace's feed carries its <see cref="FeedPosition"/>. <see cref="TraceParent"/> is the W3C
/// traceparent of the grain's publish span when tracing is on (RealtimeTracing): the stream hop
/// is a message, which no grain call filter propagates. Fields are only ever added, with new ids:
/// a silo or edge of an earlier version skips what it does not know and defaults what is missing.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.EdgeEvent")]
public sealed record EdgeEvent(
    [property: Id(0)] RealtimeHubs Hubs,
    [property: Id(1)] string EventName,
    [property: Id(2)] IReadOnlyList<EdgeDelivery> Deliveries,
    [property: Id(3)] DateTimeOffset PublishedAt,
    [property: Id(4)] FeedPosition? Position = null,
    [property: Id(5)] string? TraceParent = null)
{
    public static EdgeEvent To(RealtimeHubs hubs, EventAudience audience, string eventName, object payload, DateTimeOffset publishedAt) =>
        new(hubs, eventName, [new EdgeDelivery(audience, payload)], publishedAt);
}

/// <summary>One payload for one audience.</summary>
[GenerateSerializer, Immutable, Alias("realtime.EdgeDelivery")]
public sealed record EdgeDelivery(
    [property: Id(0)] EventAudience Audience,
    [property: Id(1)] object Payload);
