using Realtime.Grains.Presence;

namespace Realtime.Grains.Workspaces;

/// <summary>
/// A member's presence as its presence grain now sees it, with the number of its connections
/// on each edge. Sent whole (not as a delta), so a lost or repeated update cannot make the
/// workspace's view drift. <see cref="Joined"/> names a connection that just registered: it
/// gets the workspace's current presence, in order with the updates that follow.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.MemberUpdate")]
public sealed record MemberUpdate(
    [property: Id(0)] UserPresence Presence,
    [property: Id(1)] IReadOnlyDictionary<string, int> ConnectionsPerEdge,
    [property: Id(2)] ActivityEvent? Activity = null,
    [property: Id(3)] string? SourceConnectionId = null,
    [property: Id(4)] EdgeConnection? Joined = null);
