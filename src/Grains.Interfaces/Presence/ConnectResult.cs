namespace Realtime.Grains.Presence;

/// <summary>
/// The user's presence after a connection registered, and, when the workspace is large enough
/// for clients to get summaries, the current summary, which the edge sends to the new connection.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.ConnectResult")]
public sealed record ConnectResult(
    [property: Id(0)] UserPresence Presence,
    [property: Id(1)] PresenceSummary? Summary);
