using Orleans.Streams;
using Realtime.Grains.Streaming;

namespace Realtime.TestFixtures;

/// <summary>Stands in for an edge in grain tests: subscribes to an edge's stream and records what arrives.</summary>
public sealed class EdgeStreamProbe : IAsyncDisposable
{
    private StreamSubscriptionHandle<EdgeEvent>? _handle;

    private EdgeStreamProbe(string edgeId) => EdgeId = edgeId;

    public string EdgeId { get; }

    public EventLog<EdgeEvent> Events { get; } = new();

    public static async Task<EdgeStreamProbe> SubscribeAsync(IClusterClient client, string? edgeId = null)
    {
        var probe = new EdgeStreamProbe(edgeId ?? $"edge-{Guid.NewGuid():N}");
        var stream = client.GetStreamProvider(StreamNames.Provider).GetStream<EdgeEvent>(StreamNames.ForEdge(probe.EdgeId));
        probe._handle = await stream.SubscribeAsync((evt, _) =>
        {
            probe.Events.Add(evt);
            return Task.CompletedTask;
        });
        return probe;
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.UnsubscribeAsync();
        }
    }
}
