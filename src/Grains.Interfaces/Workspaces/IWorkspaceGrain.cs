using Orleans.Concurrency;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.Grains.Workspaces;

/// <summary>
/// One workspace: its members' presence and the edges holding its connections. It fans
/// presence out to exactly those edges, one stream message per edge; in a large workspace it
/// coalesces changes and sends summaries plus the changes each client has an interest in.
/// Key: the workspace id.
/// </summary>
/// <remarks>
/// Reads are [ReadOnly]: the edge lookups of broadcasts, inbox and dashboard events and the list
/// queries interleave with each other instead of queueing one by one behind member changes.
/// </remarks>
[Alias("realtime.IWorkspaceGrain")]
public interface IWorkspaceGrain : IGrainWithStringKey
{
    /// <summary>A member's presence or connections changed (called by its presence grain).</summary>
    [Alias("MemberChanged")]
    Task MemberChanged(MemberUpdate update);

    /// <summary>Passes a typing change on to the workspace (or, when large, to the conversation and the user's watchers).</summary>
    [Alias("TypingChanged")]
    Task TypingChanged(TypingEvent typing, string? sourceConnectionId);

    /// <summary>Sends a service's event to every connection of the workspace on /realtime, through the workspace's feed.</summary>
    [Alias("Broadcast")]
    Task Broadcast(string eventName, RawJson payload);

    /// <summary>
    /// Sends a service's event to the connections of one member on /realtime, through the
    /// workspace's feed: kept with the workspace's other events for the member's clients recovering
    /// after a disconnect.
    /// </summary>
    [Alias("BroadcastToUser")]
    Task BroadcastToUser(string userId, string eventName, RawJson payload);

    /// <summary>
    /// Sends an inbox event of one of the workspace's conversations to its inbox subscribers and the
    /// conversation's, but <paramref name="exceptConnectionId"/>, through the workspace's feed;
    /// a <paramref name="recoverable"/> one is kept for clients recovering after a disconnect.
    /// </summary>
    [Alias("PublishInbox")]
    Task PublishInbox(string eventName, string conversationId, object payload, string? exceptConnectionId, bool recoverable);

    /// <summary>The last event of the workspace's feed sent to the edge: the edge compares it with the last it got.</summary>
    [Alias("GetFeedHead"), ReadOnly]
    Task<FeedHead> GetFeedHead(string edgeId);

    /// <summary>
    /// What the feed sent to the edge after <paramref name="afterSequence"/> of <paramref name="epoch"/>
    /// up to <paramref name="throughSequence"/> (the edge holds what follows): from this activation's
    /// feed for its own epoch, from the broadcast log for an earlier one (see <see cref="FeedCatchUp"/>). With
    /// <paramref name="currentPresence"/>, the workspace's presence as it is now comes too (an edge
    /// that sees a new activation may have missed the end of the previous one).
    /// </summary>
    [Alias("CatchUp"), ReadOnly]
    Task<FeedCatchUp> CatchUp(string edgeId, long epoch, long afterSequence, long throughSequence, bool currentPresence);

    /// <summary>
    /// The workspace's broadcasts and inbox events after a client's position (<see cref="RecoveryPosition"/>), for a
    /// client reconnecting within the recovery window to the edge <paramref name="edgeId"/>; not
    /// complete when the feed cannot tell them all.
    /// </summary>
    [Alias("Recover"), ReadOnly]
    Task<FeedRecovery> Recover(string edgeId, long epoch, long afterSequence);

    /// <summary>The position of the feed's last event, for a snapshot read now (what follows it is recoverable from there).</summary>
    [Alias("GetPosition"), ReadOnly]
    Task<string> GetPosition();

    /// <summary>Whether a client's position can be recovered (<see cref="Recover"/> would be complete), asked before its subscriptions are.</summary>
    [Alias("Recovers"), ReadOnly]
    Task<bool> Recovers(long epoch, long afterSequence);

    /// <summary>The edge's lease lapsed: its connections are dropped from every member holding one there.</summary>
    [Alias("EvictEdge"), OneWay]
    Task EvictEdge(string edgeId);

    /// <summary>One page of members in user id order (all, or online and away only).</summary>
    [Alias("GetPresence"), ReadOnly]
    Task<WorkspacePresence> GetPresence(PresencePage page);

    /// <summary>Members with at least one live connection (whatever status they show).</summary>
    [Alias("GetConnectedUserIds"), ReadOnly]
    Task<IReadOnlyList<string>> GetConnectedUserIds();

    /// <summary>Connections, online and away users, members and edges of the workspace, exact.</summary>
    [Alias("GetStats"), ReadOnly]
    Task<WorkspaceStats> GetStats();

    /// <summary>The edges that hold connections of this workspace, with their connection counts.</summary>
    [Alias("GetEdges"), ReadOnly]
    Task<IReadOnlyDictionary<string, int>> GetEdges();
}
