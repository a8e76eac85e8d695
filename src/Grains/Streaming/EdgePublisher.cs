using Orleans.Streams;
using Realtime.Grains.Telemetry;

namespace Realtime.Grains.Streaming;

/// <summary>Publishes events on per-edge streams, caching one stream handle per edge.</summary>
public sealed class EdgePublisher(IStreamProvider streamProvider, RealtimeGrainMetrics metrics)
{
    private readonly Dictionary<string, IAsyncStream<EdgeEvent>> _streams = new(StringComparer.Ordinal);

    /// <summary>Sends the event to each edge: one stream message per edge, whatever its socket count.</summary>
    public Task PublishAsync(IEnumerable<string> edgeIds, EdgeEvent evt) =>
        PublishAsync([.. edgeIds.Select(edgeId => (edgeId, evt))]);

    /// <summary>Sends each edge its own copy of an event (a feed's copies differ in their position).</summary>
    public Task PublishAsync(IReadOnlyList<(string EdgeId, EdgeEvent Event)> copies)
    {
        if (copies.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RealtimeTracing.IsOn ? PublishTracedAsync(copies) : SendAsync(copies, traceParent: null);
    }

    /// <summary>
    /// In a span of its own, whose traceparent each copy carries to its edge. Started inside this
    /// async method so that the span is current only here, not in the grain after the publish.
    /// </summary>
    private async Task PublishTracedAsync(IReadOnlyList<(string EdgeId, EdgeEvent Event)> copies)
    {
        using var activity = RealtimeTracing.StartPublish(copies[0].Event.EventName, copies.Count);
        try
        {
            await SendAsync(copies, RealtimeTracing.TraceParentOf(activity));
        }
        catch (Exception ex)
        {
            RealtimeTracing.Failed(activity, ex);
            throw;
        }
    }

    private Task SendAsync(IReadOnlyList<(string EdgeId, EdgeEvent Event)> copies, string? traceParent)
    {
        var sends = new Task[copies.Count];
        for (var i = 0; i < copies.Count; i++)
        {
            var evt = traceParent is null ? copies[i].Event : copies[i].Event with { TraceParent = traceParent };
            sends[i] = StreamFor(copies[i].EdgeId).OnNextAsync(evt);
        }

        metrics.EventsPublished(copies[0].Event.EventName, sends.Length);
        return Task.WhenAll(sends);
    }

    private IAsyncStream<EdgeEvent> StreamFor(string edgeId)
    {
        if (!_streams.TryGetValue(edgeId, out var stream))
        {
            stream = streamProvider.GetStream<EdgeEvent>(StreamNames.ForEdge(edgeId));
            _streams[edgeId] = stream;
        }

        return stream;
    }
}
