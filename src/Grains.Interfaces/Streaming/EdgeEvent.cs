namespace Realtime.Grains.Streaming;

/// <summary>
/// A server-to-client event on its way from a grain to one edge. The edge delivers it to
/// the audience's SignalR group on each named hub, so it crosses the cluster once per edge
/// however many sockets there want it. The payload is a [GenerateSerializer] wire record.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.EdgeEvent")]
public sealed record EdgeEvent(
    [property: Id(0)] RealtimeHubs Hubs,
    [property: Id(1)] EventAudience Audience,
    [property: Id(2)] string EventName,
    [property: Id(3)] object Payload,
    [property: Id(4)] DateTimeOffset PublishedAt);
