using Microsoft.Extensions.Options;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Edges;
using Realtime.Grains.Hosting;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;

namespace Realtime.Grains.Workspaces;

/// <summary>
/// Keeps the presence of a workspace's members and the edges holding its connections, and
/// tells those edges (one stream message each) what changed:
/// - up to <see cref="PresenceOptions.ImmediateBroadcastLimit"/> active members, each change at once;
/// - above it, changes batched at most once per <see cref="PresenceOptions.CoalesceInterval"/>;
/// - above <see cref="PresenceOptions.SummaryThreshold"/>, a presence:summary to everyone and each
///   change only to the interest groups that want it, so joins never cost N x N messages.
/// Member state is written at most once per <see cref="PresenceOptions.WorkspacePersistInterval"/>:
/// presence grains own the truth and re-assert it on their sweep.
/// Presence and the services' workspace broadcasts go out through the workspace's
/// <see cref="WorkspaceFeed"/>, numbered, so an edge that misses one asks for it again.
/// </summary>
public sealed class WorkspaceGrain(
    [PersistentState("workspace", StorageNames.Realtime)] IPersistentState<WorkspaceState> state,
    IOptions<PresenceOptions> options,
    IOptions<RecoveryOptions> recoveryOptions,
    IBroadcastLog broadcastLog,
    TimeProvider timeProvider,
    SiloStatsRollup stats,
    RealtimeGrainMetrics metrics) : Grain, IWorkspaceGrain
{
    private const RealtimeHubs PresenceHubs = RealtimeHubs.Realtime | RealtimeHubs.Presence;

    private readonly PresenceOptions _options = options.Value;
    private readonly Dictionary<string, UserPresence> _pending = new(StringComparer.Ordinal);
    private readonly List<EdgeConnection> _joining = [];
    private readonly HashSet<string> _trackedEdges = new(StringComparer.Ordinal);
    private MemberDirectory _members = null!;
    private EdgePublisher _publisher = null!;
    private WorkspaceFeed _feed = null!;
    private IGrainTimer? _flushTimer;
    private PresenceSummary? _lastSummarySent;
    private bool _dirty;
    private (int Connections, int Online) _reportedCounts;

    private string WorkspaceId => this.GetPrimaryKeyString();

    private bool InSummaryMode => _members.Active > _options.SummaryThreshold;

    private PresenceSummary CurrentSummary => new(WorkspaceId, _members.Online, _members.Away, _members.Total);

    /// <summary>Connections registered for presence (sockets not yet counted get nothing, see <see cref="InterestGroups.Presence"/>).</summary>
    private EventAudience PresenceAudience => EventAudience.InGroup(WorkspaceId, InterestGroups.Presence);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _members = MemberDirectory.Rebuild(state.State.Members);
        _publisher = new EdgePublisher(this.GetStreamProvider(StreamNames.Provider), metrics);
        _feed = new WorkspaceFeed(WorkspaceId, recoveryOptions.Value, timeProvider, metrics.RecoveryHistoryChanged);
        this.RegisterGrainTimer(_ => PersistIfDirtyAsync(), _options.WorkspacePersistInterval, _options.WorkspacePersistInterval);

        // The state was written up to a persist interval before this grain last stopped (its silo
        // may have died): the members it shows connected report their presence again, so a
        // departure written too late does not stay a ghost until that user comes back.
        foreach (var userId in _members.ConnectedUsers())
        {
            GrainFactory.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(WorkspaceId, userId)).Reassert().Ignore();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The history goes with the activation.
        metrics.RecoveryHistoryChanged(-_feed.Size.Bytes);
        return PersistIfDirtyAsync();
    }

    public async Task MemberChanged(MemberUpdate update)
    {
        var previous = _members.Set(new WorkspaceMember(update.Presence, update.ConnectionsPerEdge));
        _dirty = true;
        await TrackEdgesAsync(update.ConnectionsPerEdge.Keys);

        if (update.Activity is { } activity)
        {
            await PublishActivityAsync(activity, update.SourceConnectionId);
        }

        if (update.Presence.IsVisiblyDifferentFrom(previous?.Presence))
        {
            await QueuePresenceAsync(update.Presence);
        }

        if (update.Joined is { } joined)
        {
            await SyncJoinedAsync(joined);
        }
    }

    public Task TypingChanged(TypingEvent typing, string? sourceConnectionId)
    {
        var audiences = InSummaryMode
            ? new[]
            {
                EventAudience.InGroup(WorkspaceId, InterestGroups.Conversation(typing.ConversationId), sourceConnectionId),
                EventAudience.InGroup(WorkspaceId, InterestGroups.WatchersOf(typing.UserId), sourceConnectionId),
            }
            : [EventAudience.Workspace(WorkspaceId, sourceConnectionId)];
        return PublishAsync(RealtimeHubs.Presence, RealtimeEvents.PresenceTyping, audiences.Select(a => new EdgeDelivery(a, typing)).ToList(), FeedRepair.None);
    }

    public async Task Broadcast(string eventName, RawJson payload)
    {
        var sentAt = timeProvider.GetUtcNow();
        var edgeIds = _members.ConnectionsPerEdge.Keys.ToList();

        payload = StampedWithNextPosition(payload);
        if (edgeIds.Count > 0)
        {
            // Written down before it is accepted: should this activation die with its silo before an
            // edge has it, the edge gets it from the next activation (this one's memory is gone).
            await broadcastLog.AppendAsync(WorkspaceId, new LoggedBroadcast(_feed.Epoch, _feed.NextSequence, sentAt, edgeIds, eventName, payload.Json));
        }

        var evt = new EdgeEvent(RealtimeHubs.Realtime, eventName, [new EdgeDelivery(EventAudience.Workspace(WorkspaceId), payload)], sentAt);
        await _publisher.PublishAsync(_feed.Append(edgeIds, evt, FeedRepair.Replay));
    }

    public Task BroadcastToUser(string userId, string eventName, RawJson payload)
    {
        // Only to the member's edges; kept in the feed also when it has none, like every broadcast.
        var edgeIds = _members.Get(userId)?.ConnectionsPerEdge.Keys.ToList() ?? [];
        var evt = new EdgeEvent(RealtimeHubs.Realtime, eventName, [new EdgeDelivery(EventAudience.User(WorkspaceId, userId), StampedWithNextPosition(payload))], timeProvider.GetUtcNow());
        return _publisher.PublishAsync(_feed.Append(edgeIds, evt, FeedRepair.Replay));
    }

    /// <summary>
    /// A service's JSON with the position the feed gives the next event: every receiver gets the
    /// same, so a client can pass it back to any edge to recover what follows.
    /// </summary>
    private RawJson StampedWithNextPosition(RawJson payload) =>
        new RecoveryPosition(WorkspaceId, _feed.Epoch, _feed.NextSequence).StampOn(payload);

    public Task PublishInbox(string eventName, string conversationId, object payload, string? exceptConnectionId, bool recoverable)
    {
        var deliveries = new EdgeDelivery[]
        {
            new(EventAudience.InGroup(WorkspaceId, InterestGroups.Inbox, exceptConnectionId), payload),
            new(EventAudience.InGroup(WorkspaceId, InterestGroups.InboxConversation(conversationId), exceptConnectionId), payload),
        };
        return PublishAsync(RealtimeHubs.Inbox, eventName, deliveries, recoverable ? FeedRepair.Replay : FeedRepair.None);
    }

    public Task<FeedHead> GetFeedHead(string edgeId) => Task.FromResult(_feed.HeadFor(edgeId));

    public async Task<FeedCatchUp> CatchUp(string edgeId, long epoch, long afterSequence, long throughSequence, bool currentPresence)
    {
        if (epoch != _feed.Epoch)
        {
            return await CatchUpOnEarlierActivation(edgeId, epoch, afterSequence, throughSequence, currentPresence);
        }

        var complete = _feed.Reaches(epoch, afterSequence);
        var entries = complete ? _feed.Kept(edgeId, afterSequence, throughSequence) : [];
        var events = new List<EdgeEvent>();
        var changedUsers = new HashSet<string>(StringComparer.Ordinal);
        var joined = new List<EdgeConnection>();
        foreach (var entry in entries)
        {
            switch (entry.Repair)
            {
                case FeedRepair.Replay:
                    events.Add(entry.Event! with { Position = null });
                    break;
                case FeedRepair.Presence:
                    changedUsers.UnionWith(entry.Subjects);
                    break;
                case FeedRepair.Join:
                    joined.AddRange(entry.Subjects.Select(connectionId => new EdgeConnection(connectionId, edgeId)));
                    break;
            }
        }

        if (joined.Count > 0)
        {
            events.Add(CurrentPresenceEvent(joined));
        }

        // Where the edge's place in this epoch is gone, it gets the presence as it is now.
        if (currentPresence || !complete)
        {
            events.AddRange(CurrentPresenceEvents());
        }
        else if (entries.Any(e => e.Repair == FeedRepair.Presence))
        {
            var changed = changedUsers.Select(_members.Get).OfType<WorkspaceMember>().Select(m => m.Presence).ToList();
            events.AddRange(ChangeEvents(changed, withSummary: true));
        }

        return new FeedCatchUp(_feed.HeadFor(edgeId), complete, events);
    }

    /// <summary>
    /// Another activation's epoch (one that died with its silo, or for a moment ran beside this
    /// one): its broadcasts to the edge come from the broadcast log, each with its position so the
    /// edge drops those it had. Its presence changes are not this activation's to tell; the edge
    /// asks for the presence as it is now when it first sees this epoch.
    /// </summary>
    private async Task<FeedCatchUp> CatchUpOnEarlierActivation(string edgeId, long epoch, long afterSequence, long throughSequence, bool currentPresence)
    {
        var logged = await broadcastLog.ReadAsync(WorkspaceId, epoch, afterSequence);
        var events = logged
            .Where(b => b.Sequence <= throughSequence && b.EdgeIds.Contains(edgeId, StringComparer.Ordinal))
            .Select(b => new EdgeEvent(
                RealtimeHubs.Realtime,
                b.EventName,
                [new EdgeDelivery(EventAudience.Workspace(WorkspaceId), new RawJson(b.Payload))],
                b.At,
                new FeedPosition(WorkspaceId, b.Epoch, b.Sequence, Previous: 0)))
            .ToList();
        if (currentPresence)
        {
            events.AddRange(CurrentPresenceEvents());
        }

        return new FeedCatchUp(_feed.HeadFor(edgeId), Complete: true, events);
    }

    public Task<FeedRecovery> Recover(string edgeId, long epoch, long afterSequence) =>
        Task.FromResult(_feed.ReplayableAfter(epoch, afterSequence) is { } kept
            ? new FeedRecovery(Complete: true, kept.Through, kept.Events.Select(e => e with { Position = null }).ToList(), _feed.HeadFor(edgeId))
            : new FeedRecovery(Complete: false, 0, [], _feed.HeadFor(edgeId)));

    public Task<string> GetPosition() => Task.FromResult(_feed.Head.ToString());

    public Task<bool> Recovers(long epoch, long afterSequence) => Task.FromResult(_feed.CanRecover(epoch, afterSequence));

    public Task EvictEdge(string edgeId)
    {
        foreach (var userId in _members.UsersOnEdge(edgeId).ToList())
        {
            // One-way: the presence grain reports back through MemberChanged, which would deadlock an awaited call.
            GrainFactory.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(WorkspaceId, userId)).EvictEdge(edgeId).Ignore();
        }

        _trackedEdges.Remove(edgeId);
        _feed.ForgetEdge(edgeId);
        return Task.CompletedTask;
    }

    public Task<WorkspacePresence> GetPresence(PresencePage page)
    {
        var limit = Math.Clamp(page.Limit, 1, PresencePage.MaxLimit);
        var (users, nextCursor) = _members.Page(page.Cursor, limit, page.OnlineOnly);
        return Task.FromResult(new WorkspacePresence(WorkspaceId, users, nextCursor, _feed.Head.ToString()));
    }

    public Task<IReadOnlyList<string>> GetConnectedUserIds() =>
        Task.FromResult<IReadOnlyList<string>>(_members.ConnectedUsers().ToList());

    public Task<WorkspaceStats> GetStats() =>
        Task.FromResult(new WorkspaceStats(WorkspaceId, _members.ConnectionsPerEdge.Values.Sum(), _members.Online, _members.Away, _members.Total, _members.ConnectionsPerEdge.Count));

    public Task<IReadOnlyDictionary<string, int>> GetEdges() =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(_members.ConnectionsPerEdge, StringComparer.Ordinal));

    private async Task QueuePresenceAsync(UserPresence presence)
    {
        if (_members.Active <= _options.ImmediateBroadcastLimit && _pending.Count == 0)
        {
            await PublishAsync(PresenceHubs, RealtimeEvents.PresenceUpdate, [new EdgeDelivery(PresenceAudience, new WorkspacePresence(WorkspaceId, [presence]))], FeedRepair.Presence, [presence.UserId]);
            return;
        }

        _pending[presence.UserId] = presence;
        _flushTimer ??= this.RegisterGrainTimer(_ => FlushAsync(), _options.CoalesceInterval, Timeout.InfiniteTimeSpan);
    }

    private async Task FlushAsync()
    {
        _flushTimer?.Dispose();
        _flushTimer = null;
        var changed = _pending.Values.ToList();
        _pending.Clear();
        if (changed.Count > 0)
        {
            await PublishChangesAsync(changed);
        }

        // After the changes: the joiners' snapshot already holds them.
        if (_joining.Count > 0)
        {
            var joining = _joining.ToList();
            _joining.Clear();
            await SendCurrentPresenceAsync(joining);
        }
    }

    private async Task PublishChangesAsync(List<UserPresence> changed)
    {
        var summaryChanged = InSummaryMode && CurrentSummary != _lastSummarySent;
        var userIds = changed.Select(p => p.UserId).ToList();
        foreach (var evt in ChangeEvents(changed, withSummary: summaryChanged))
        {
            await PublishAsync(evt.Hubs, evt.EventName, evt.Deliveries, FeedRepair.Presence, userIds);
        }

        if (summaryChanged)
        {
            _lastSummarySent = CurrentSummary;
        }
    }

    /// <summary>
    /// The events that tell the workspace's edges these users' presence: one update to the
    /// presence audience while the workspace is small; above the summary threshold the summary
    /// (when asked) and each change to the users watching that user or its resource.
    /// </summary>
    private List<EdgeEvent> ChangeEvents(IReadOnlyCollection<UserPresence> changed, bool withSummary)
    {
        var now = timeProvider.GetUtcNow();
        if (!InSummaryMode)
        {
            return changed.Count == 0
                ? []
                : [new EdgeEvent(PresenceHubs, RealtimeEvents.PresenceUpdate, [new EdgeDelivery(PresenceAudience, new WorkspacePresence(WorkspaceId, [.. changed]))], now)];
        }

        var events = new List<EdgeEvent>(2);
        if (withSummary)
        {
            events.Add(new EdgeEvent(PresenceHubs, RealtimeEvents.PresenceSummary, [new EdgeDelivery(PresenceAudience, CurrentSummary)], now));
        }

        var deliveries = new List<EdgeDelivery>(changed.Count * 2);
        foreach (var presence in changed)
        {
            var update = new WorkspacePresence(WorkspaceId, [presence]);
            deliveries.Add(new EdgeDelivery(EventAudience.InGroup(WorkspaceId, InterestGroups.WatchersOf(presence.UserId)), update));
            if (presence.Activity is { } activity)
            {
                deliveries.Add(new EdgeDelivery(EventAudience.InGroup(WorkspaceId, InterestGroups.Resource(activity.ResourceType, activity.ResourceId)), update));
            }
        }

        if (deliveries.Count > 0)
        {
            events.Add(new EdgeEvent(RealtimeHubs.Presence, RealtimeEvents.PresenceUpdate, deliveries, now));
        }

        return events;
    }

    /// <summary>
    /// The workspace's presence as it is now, for an edge whose feed history is gone: the members
    /// online or away and those who went offline within the recovery window (so a departure the
    /// edge missed is corrected) while the workspace is small, else the summary.
    /// </summary>
    private List<EdgeEvent> CurrentPresenceEvents()
    {
        var now = timeProvider.GetUtcNow();
        if (InSummaryMode)
        {
            return [new EdgeEvent(PresenceHubs, RealtimeEvents.PresenceSummary, [new EdgeDelivery(PresenceAudience, CurrentSummary)], now)];
        }

        var users = ActiveAndRecentlyGone(int.MaxValue);
        return users.Count == 0 ? [] : [new EdgeEvent(PresenceHubs, RealtimeEvents.PresenceUpdate, [new EdgeDelivery(PresenceAudience, new WorkspacePresence(WorkspaceId, users))], now)];
    }

    /// <summary>
    /// The members online or away, and those who went offline within the recovery window: a client
    /// back from a brief disconnect (or an edge that missed events) learns who left meanwhile.
    /// </summary>
    private List<UserPresence> ActiveAndRecentlyGone(int limit)
    {
        var recent = timeProvider.GetUtcNow() - recoveryOptions.Value.Window;
        return _members.Page(null, limit, u => u.Status != PresenceStatus.Offline || u.LastSeen >= recent).Users;
    }

    /// <summary>
    /// A connection that just joined gets what it missed before it was registered: at once while
    /// changes go out at once, else with the next batch of changes (one stream message per edge
    /// for all who joined meanwhile, so a storm of joins does not cost a message each).
    /// </summary>
    private Task SyncJoinedAsync(EdgeConnection joined)
    {
        if (_flushTimer is null)
        {
            return SendCurrentPresenceAsync([joined]);
        }

        _joining.Add(joined);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The active members (and those gone within the recovery window) while the workspace is small,
    /// else the summary (lists are paged on demand), to each joined connection, which joins the presence audience with it. It goes on
    /// the same edge stream as the updates that follow, so it can never overtake them.
    /// </summary>
    private Task SendCurrentPresenceAsync(IReadOnlyList<EdgeConnection> joined) =>
        Task.WhenAll(joined.GroupBy(j => j.EdgeId, StringComparer.Ordinal).Select(edge =>
            _publisher.PublishAsync(_feed.Append([edge.Key], CurrentPresenceEvent([.. edge]), FeedRepair.Join, [.. edge.Select(j => j.ConnectionId)]))));

    /// <summary>The current presence for joining connections (all on one edge), joining them to the presence audience.</summary>
    private EdgeEvent CurrentPresenceEvent(IReadOnlyList<EdgeConnection> joined)
    {
        var (eventName, payload) = _members.Active <= _options.ImmediateBroadcastLimit
            ? (RealtimeEvents.PresenceUpdate, (object)new WorkspacePresence(WorkspaceId, ActiveAndRecentlyGone(_options.ImmediateBroadcastLimit)))
            : (RealtimeEvents.PresenceSummary, CurrentSummary);
        var deliveries = joined.Select(j => new EdgeDelivery(EventAudience.JoinGroup(WorkspaceId, j.ConnectionId, InterestGroups.Presence), payload)).ToList();
        return new EdgeEvent(PresenceHubs, eventName, deliveries, timeProvider.GetUtcNow());
    }

    private Task PublishActivityAsync(ActivityEvent activity, string? sourceConnectionId)
    {
        var audiences = InSummaryMode
            ? new[]
            {
                EventAudience.InGroup(WorkspaceId, InterestGroups.Resource(activity.ResourceType, activity.ResourceId), sourceConnectionId),
                EventAudience.InGroup(WorkspaceId, InterestGroups.WatchersOf(activity.UserId), sourceConnectionId),
            }
            : [EventAudience.Workspace(WorkspaceId, sourceConnectionId)];
        return PublishAsync(RealtimeHubs.Presence, RealtimeEvents.PresenceActivity, audiences.Select(a => new EdgeDelivery(a, activity)).ToList(), FeedRepair.None);
    }

    /// <summary>Sends an event to every edge of the workspace through the feed.</summary>
    private Task PublishAsync(RealtimeHubs hubs, string eventName, IReadOnlyList<EdgeDelivery> deliveries, FeedRepair repair, IReadOnlyList<string>? subjects = null) =>
        _publisher.PublishAsync(_feed.Append([.. _members.ConnectionsPerEdge.Keys], new EdgeEvent(hubs, eventName, deliveries, timeProvider.GetUtcNow()), repair, subjects));

    /// <summary>Makes each edge's lease aware of this workspace, so a dead edge's connections here get evicted.</summary>
    private async Task TrackEdgesAsync(IEnumerable<string> edgeIds)
    {
        foreach (var edgeId in edgeIds)
        {
            if (_trackedEdges.Add(edgeId))
            {
                await GrainFactory.GetGrain<IEdgeGrain>(edgeId).TrackWorkspace(WorkspaceId);
            }
        }
    }

    private async Task PersistIfDirtyAsync()
    {
        if (_dirty)
        {
            _dirty = false;
            await state.WriteStateAsync();
        }

        ReportStats();
    }

    /// <summary>Tells the cluster stats (through this silo's roll-up) this workspace's counts when they changed, at most once per persist interval.</summary>
    private void ReportStats()
    {
        var counts = (Connections: _members.ConnectionsPerEdge.Values.Sum(), Online: _members.Active);
        if (counts != _reportedCounts)
        {
            _reportedCounts = counts;
            stats.ReportWorkspace(new WorkspaceReport(WorkspaceId, counts.Connections, counts.Online, timeProvider.GetUtcNow()));
        }
    }
}
