using Microsoft.AspNetCore.SignalR;
using System.Collections.Concurrent;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// Connections of this edge replaying what they missed before they go live. While one is held it
/// is not yet in the group it recovers (its workspace's, or an interest group such as the inbox's):
/// what is sent to that group on its hub is kept for it instead, and when it is released it joins
/// the group and is sent what was kept, in one step under the workspace's lock, so no live event
/// falls between the replay and the group, and none comes twice. The same lock is held while a
/// group send of a workspace with held connections starts.
/// </summary>
public sealed partial class RecoveringConnections(ILogger<RecoveringConnections> logger)
{
    /// <summary>Held events per connection: more means a replay far too slow, and the connection starts again.</summary>
    public const int MaxHeldEvents = 1024;

    private readonly ConcurrentDictionary<(RealtimeHubs Hub, string WorkspaceId), HeldWorkspace> _workspaces = new();

    /// <summary>Holds the live events of <paramref name="groups"/> (edge groups of the workspace) on the hub for the connection until <see cref="GoLiveAsync"/> (or <see cref="Abandon"/>).</summary>
    public HeldConnection Hold(RealtimeHubs hub, string workspaceId, IReadOnlySet<string> groups, string connectionId)
    {
        while (true)
        {
            var workspace = _workspaces.GetOrAdd((hub, workspaceId), static _ => new HeldWorkspace());
            lock (workspace)
            {
                // Released and dropped since it was looked up: hold in the one that replaced it.
                if (!workspace.Dropped)
                {
                    var held = new HeldConnection(hub, workspaceId, groups, connectionId, workspace);
                    workspace.Connections.Add(held);
                    return held;
                }
            }
        }
    }

    /// <summary>
    /// Starts a send to a group of the workspace (<paramref name="audience"/>), keeping the event for
    /// each connection held for that group (but the audience's excepted one).
    /// </summary>
    public Task SendToGroupAsync(RealtimeHubs hub, EventAudience audience, string eventName, object payload, Func<Task> send)
    {
        if (_workspaces.IsEmpty || !_workspaces.TryGetValue((hub, audience.WorkspaceId), out var workspace))
        {
            return send();
        }

        lock (workspace)
        {
            KeepFor(workspace, audience, eventName, payload);
            return send();
        }
    }

    /// <summary>
    /// Keeps a workspace event the feed reader sent again (a repair) for the connections held for its
    /// audience on <paramref name="hubs"/>: it goes to the connections that were here when it was
    /// first sent, never to the group, and a held connection was not yet; the release drops it if the
    /// replay had it.
    /// </summary>
    public void KeepRepaired(RealtimeHubs hubs, EventAudience audience, string eventName, object payload)
    {
        if (_workspaces.IsEmpty)
        {
            return;
        }

        for (var remaining = (int)hubs; remaining != 0; remaining &= remaining - 1)
        {
            var hub = (RealtimeHubs)(remaining & -remaining);
            if (_workspaces.TryGetValue((hub, audience.WorkspaceId), out var workspace))
            {
                lock (workspace)
                {
                    KeepFor(workspace, audience, eventName, payload);
                }
            }
        }
    }

    /// <summary>
    /// Ends the hold in one step under the workspace's lock: joins the connection to its groups and
    /// starts the sends to <paramref name="client"/> of the events kept meanwhile that
    /// <paramref name="send"/> takes, in order. Completes once they are written; true when some
    /// came that could not be kept.
    /// </summary>
    public async Task<bool> GoLiveAsync(HeldConnection held, IGroupManager groups, IClientProxy client, Func<object, bool> send, CancellationToken cancellationToken = default)
    {
        var sends = new List<Task>();
        bool overflowed;
        lock (held.Workspace)
        {
            sends.AddRange(held.Groups.Select(group => groups.AddToGroupAsync(held.ConnectionId, group, cancellationToken)));
            sends.AddRange(held.Kept.Where(e => send(e.Payload)).Select(e => client.SendAsync(e.EventName, e.Payload, cancellationToken)));
            overflowed = held.Overflowed;

            // In its groups before the workspace can leave the table: a send that then finds no held
            // connections takes no lock and goes straight to the groups, which must have it by then.
            Unhold(held);
        }

        await Task.WhenAll(sends);
        return overflowed;
    }

    /// <summary>Ends the hold of a connection that failed on its way: it joins no group and is sent nothing.</summary>
    public void Abandon(HeldConnection held)
    {
        lock (held.Workspace)
        {
            Unhold(held);
        }
    }

    /// <summary>
    /// The edge did not receive in time what the replay covered (an event lost on the stream, being
    /// repaired): the connection goes live anyway, and may get some of those events twice.
    /// </summary>
    [LoggerMessage(1, LogLevel.Warning, "A connection of workspace {WorkspaceId} went live before this edge had the events its replay covered; some may come twice")]
    public partial void LogReplayCatchUpTimedOut(string workspaceId);

    /// <summary>A connection waiting for <c>connected</c> was sent more of its group's events than are held: the first ones were kept.</summary>
    [LoggerMessage(2, LogLevel.Warning, "A joining connection of workspace {WorkspaceId} was sent more than {MaxHeldEvents} events before it was told connected; the later ones were not kept")]
    public partial void LogJoinOverflowed(string workspaceId, int maxHeldEvents);

    /// <summary>Takes the connection out of its workspace's held ones, and the workspace out of the table once none is left; under the workspace's lock.</summary>
    private void Unhold(HeldConnection held)
    {
        var workspace = (HeldWorkspace)held.Workspace;
        held.Released = true;
        workspace.Connections.Remove(held);
        if (workspace.Connections.Count == 0)
        {
            workspace.Dropped = true;
            _workspaces.TryRemove(new KeyValuePair<(RealtimeHubs, string), HeldWorkspace>((held.Hub, held.WorkspaceId), workspace));
        }
    }

    private static void KeepFor(HeldWorkspace workspace, EventAudience audience, string eventName, object payload)
    {
        var group = EdgeGroups.For(audience);
        foreach (var held in workspace.Connections)
        {
            if (held.Groups.Contains(group) && held.ConnectionId != audience.ExceptConnectionId)
            {
                held.Keep(eventName, payload);
            }
        }
    }

    private sealed class HeldWorkspace
    {
        // Also the lock of the workspace's held connections and group sends.
        public List<HeldConnection> Connections { get; } = [];

        public bool Dropped { get; set; }
    }
}

/// <summary>
/// One connection being held for groups, with their events kept for it meanwhile. No event goes to
/// two of the groups (a connection subscribes to the whole inbox or to conversations, never both).
/// </summary>
public sealed class HeldConnection(RealtimeHubs hub, string workspaceId, IReadOnlySet<string> groups, string connectionId, object workspace)
{
    private readonly List<(string EventName, object Payload)> _kept = [];

    public RealtimeHubs Hub { get; } = hub;

    public string WorkspaceId { get; } = workspaceId;

    /// <summary>The edge groups it joins when released.</summary>
    public IReadOnlySet<string> Groups { get; } = groups;

    public string ConnectionId { get; } = connectionId;

    /// <summary>The held connections of its workspace it belongs to (released from that one, whatever replaced it since).</summary>
    internal object Workspace { get; } = workspace;

    /// <summary>Gone live (or closed): nothing is held for it any more.</summary>
    public bool Released { get; internal set; }

    /// <summary>More than <see cref="RecoveringConnections.MaxHeldEvents"/> came: some were not kept.</summary>
    public bool Overflowed { get; private set; }

    internal IReadOnlyList<(string EventName, object Payload)> Kept => _kept;

    internal void Keep(string eventName, object payload)
    {
        if (_kept.Count < RecoveringConnections.MaxHeldEvents)
        {
            _kept.Add((eventName, payload));
        }
        else
        {
            Overflowed = true;
        }
    }
}
