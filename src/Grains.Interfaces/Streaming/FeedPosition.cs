namespace Realtime.Grains.Streaming;

/// <summary>
/// Where an event stands in its workspace's feed, so the edge can tell a lost one. The epoch
/// changes each time the workspace grain is activated; the sequence numbers every event the
/// feed publishes; <see cref="Previous"/> is the sequence of the event the feed sent to the same
/// edge before this one (0: none), so an edge sees a gap at the next event it gets.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.FeedPosition")]
public sealed record FeedPosition(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] long Epoch,
    [property: Id(2)] long Sequence,
    [property: Id(3)] long Previous);

/// <summary>The last event a workspace's feed sent to one edge.</summary>
[GenerateSerializer, Immutable, Alias("realtime.FeedHead")]
public sealed record FeedHead(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Sequence);

/// <summary>
/// What an edge missed from a workspace's feed, as events to deliver in order: broadcasts as they
/// were sent, presence as it is now (the current state of every user whose presence changed in
/// the gap). <see cref="Head"/> says which activation answered. For its own epoch,
/// <see cref="Complete"/> is false when its history no longer reaches back to the range asked. For
/// another epoch, the broadcasts come from the workspace's broadcast log, each with its position,
/// and <see cref="Complete"/> says the log was read.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.FeedCatchUp")]
public sealed record FeedCatchUp(
    [property: Id(0)] FeedHead Head,
    [property: Id(1)] bool Complete,
    [property: Id(2)] IReadOnlyList<EdgeEvent> Events);
