using Orleans.Concurrency;

namespace Realtime.Grains.Presence;

/// <summary>
/// Presence of one user in one workspace, across all of their connections on every edge.
/// Key: <see cref="RealtimeIds.UserInWorkspace"/> ("workspaceId/userId").
/// </summary>
[Alias("realtime.IUserPresenceGrain")]
public interface IUserPresenceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers a live connection; the user is online while any connection lives. The new
    /// connection then receives the workspace's current presence (the list of active members, or
    /// in a larger workspace the summary) through its edge's stream. Idempotent.
    /// </summary>
    [Alias("Connect")]
    Task<UserPresence> Connect(EdgeConnection connection);

    /// <summary>Removes a connection; the user goes offline when it was the last one. Unknown ids are ignored.</summary>
    [Alias("Disconnect")]
    Task<UserPresence> Disconnect(string connectionId);

    /// <summary>Records the page the user is on; what they were doing on the previous page lapses.</summary>
    [Alias("Navigate")]
    Task<UserPresence> Navigate(string page);

    /// <summary>
    /// Sets the status the user chose: away or offline (appear offline) stay until the user sets
    /// online again, which returns to the derived status (online, away after idle time).
    /// </summary>
    [Alias("SetStatus")]
    Task<UserPresence> SetStatus(PresenceStatus status);

    /// <summary>Records what the user is viewing, editing or commenting, and tells the others.</summary>
    [Alias("SetActivity")]
    Task<UserPresence> SetActivity(string type, string resourceId, string resourceType, string? sourceConnectionId);

    /// <summary>Typing in a conversation; true lapses by itself unless renewed within the typing timeout.</summary>
    [Alias("SetTyping")]
    Task SetTyping(string conversationId, bool isTyping, string? sourceConnectionId);

    /// <summary>
    /// An edge vouches that these connections of the user are alive. Returns the ones the grain
    /// does not know (swept or evicted while alive), which the edge registers again.
    /// </summary>
    [Alias("Heartbeat2")]
    Task<IReadOnlyList<string>> Heartbeat(IReadOnlyList<string> connectionIds);

    // The previous version's heartbeat, with an edge id nobody read: its edges call it during a
    // rolling upgrade (docs/contracts.md). Remove it in the release after every edge sends Heartbeat2.
    [Alias("Heartbeat")]
    Task<IReadOnlyList<string>> Heartbeat(string edgeId, IReadOnlyList<string> connectionIds);

    /// <summary>The edge's lease lapsed: drop every connection it held.</summary>
    [Alias("EvictEdge"), OneWay]
    Task EvictEdge(string edgeId);

    /// <summary>
    /// Reports the user's presence to the workspace again: the workspace grain came back from
    /// state written up to a second before its silo died, which may miss the latest changes.
    /// </summary>
    [Alias("Reassert"), OneWay]
    Task Reassert();

    /// <summary>Removes connections whose heartbeats stopped; returns how many. The reminder sweep calls it too.</summary>
    [Alias("CleanupStale")]
    Task<int> CleanupStale();

    /// <summary>The edges holding the user's live connections: where events for the user go.</summary>
    [Alias("GetEdges"), ReadOnly]
    Task<IReadOnlyList<string>> GetEdges();

    /// <summary>The user's presence, or null when the user was never seen in the workspace.</summary>
    [Alias("GetPresence")]
    Task<UserPresence?> GetPresence();
}
