namespace Realtime.Grains.Streaming;

/// <summary>Names shared by silos and edges; both sides must register the same ones.</summary>
public static class StreamNames
{
    /// <summary>The stream provider that carries events from grains to edges.</summary>
    public const string Provider = "RealtimeStreams";

    /// <summary>Stream namespace of per-edge streams; the stream key is the edge id.</summary>
    public const string EdgeNamespace = "edge";

    /// <summary>Grain storage of stream subscriptions; Orleans requires exactly this name.</summary>
    public const string PubSubStore = "PubSubStore";

    public static StreamId ForEdge(string edgeId) => StreamId.Create(EdgeNamespace, edgeId);
}
