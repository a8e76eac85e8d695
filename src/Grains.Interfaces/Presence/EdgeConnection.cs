namespace Realtime.Grains.Presence;

/// <summary>
/// One client connection as the cluster knows it: its SignalR connection id (unique, never
/// reused, so a late disconnect of an old connection cannot remove a newer one) and its edge.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.EdgeConnection")]
public sealed record EdgeConnection(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string EdgeId);
