using Microsoft.Extensions.Options;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Edges;
using Realtime.Grains.Hosting;
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
/// </summary>
public sealed class WorkspaceGrain(
    [PersistentState("workspace", StorageNames.Realtime)] IPersistentState<WorkspaceState> state,
    IOptions<PresenceOptions> options,
    TimeProvider timeProvider,
    SiloStatsRollup stats,
    RealtimeGrainMetrics metrics) : Grain, IWorkspaceGrain
{
    private const RealtimeHubs PresenceHubs = RealtimeHubs.Realtime | RealtimeHubs.Presence;

    private readonly PresenceOptions _options = options.Value;
    private readonly Dictionary<string, UserPresence> _pending = new(StringComparer.Ordinal);
    private readonly List<EdgeConnection> _joining = [];
    private readonly HashSet<string> _trackedEdges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _calls = new(StringComparer.Ordinal);
    private MemberDirectory _members = null!;
    private EdgePublisher _publisher = null!;
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

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => PersistIfDirtyAsync();

    public async Task MemberChanged(MemberUpdate update)
    {
        CountCall(nameof(MemberChanged));
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
        CountCall(nameof(TypingChanged));
        var audiences = InSummaryMode
            ? new[]
            {
                EventAudience.InGroup(WorkspaceId, InterestGroups.Conversation(typing.ConversationId), sourceConnectionId),
                EventAudience.InGroup(WorkspaceId, InterestGroups.WatchersOf(typing.UserId), sourceConnectionId),
            }
            : [EventAudience.Workspace(WorkspaceId, sourceConnectionId)];
        return PublishAsync(RealtimeHubs.Presence, RealtimeEvents.PresenceTyping, audiences.Select(a => new EdgeDelivery(a, typing)).ToList());
    }

    public Task EvictEdge(string edgeId)
    {
        CountCall(nameof(EvictEdge));
        foreach (var userId in _members.UsersOnEdge(edgeId).ToList())
        {
            // One-way: the presence grain reports back through MemberChanged, which would deadlock an awaited call.
            GrainFactory.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(WorkspaceId, userId)).EvictEdge(edgeId).Ignore();
        }

        _trackedEdges.Remove(edgeId);
        return Task.CompletedTask;
    }

    public Task<WorkspacePresence> GetPresence(PresencePage page)
    {
        CountCall(nameof(GetPresence));
        var limit = Math.Clamp(page.Limit, 1, PresencePage.MaxLimit);
        var (users, nextCursor) = _members.Page(page.Cursor, limit, page.OnlineOnly);
        return Task.FromResult(new WorkspacePresence(WorkspaceId, users, nextCursor));
    }

    public Task<IReadOnlyList<string>> GetConnectedUserIds()
    {
        CountCall(nameof(GetConnectedUserIds));
        return Task.FromResult<IReadOnlyList<string>>(_members.ConnectedUsers().ToList());
    }

    public Task<WorkspaceStats> GetStats() =>
        Task.FromResult(new WorkspaceStats(WorkspaceId, _members.ConnectionsPerEdge.Values.Sum(), _members.Online, _members.Away, _members.Total, _members.ConnectionsPerEdge.Count));

    public Task<PresenceSummary> GetSummary()
    {
        CountCall(nameof(GetSummary));
        return Task.FromResult(CurrentSummary);
    }

    public Task<IReadOnlyDictionary<string, int>> GetEdges() =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(_members.ConnectionsPerEdge, StringComparer.Ordinal));

    public Task<IReadOnlyDictionary<string, long>> GetCallCounts() =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>(_calls, StringComparer.Ordinal));

    private async Task QueuePresenceAsync(UserPresence presence)
    {
        if (_members.Active <= _options.ImmediateBroadcastLimit && _pending.Count == 0)
        {
            await PublishAsync(PresenceHubs, RealtimeEvents.PresenceUpdate, [new EdgeDelivery(PresenceAudience, new WorkspacePresence(WorkspaceId, [presence]))]);
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
        if (!InSummaryMode)
        {
            await PublishAsync(PresenceHubs, RealtimeEvents.PresenceUpdate, [new EdgeDelivery(PresenceAudience, new WorkspacePresence(WorkspaceId, changed))]);
            return;
        }

        var summary = CurrentSummary;
        if (summary != _lastSummarySent)
        {
            await PublishAsync(PresenceHubs, RealtimeEvents.PresenceSummary, [new EdgeDelivery(PresenceAudience, summary)]);
            _lastSummarySent = summary;
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

        await PublishAsync(RealtimeHubs.Presence, RealtimeEvents.PresenceUpdate, deliveries);
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
    /// The active members while the workspace is small, else the summary (lists are paged on
    /// demand), to each joined connection, which joins the presence audience with it. It goes on
    /// the same edge stream as the updates that follow, so it can never overtake them.
    /// </summary>
    private Task SendCurrentPresenceAsync(IReadOnlyList<EdgeConnection> joined)
    {
        var (eventName, payload) = _members.Active <= _options.ImmediateBroadcastLimit
            ? (RealtimeEvents.PresenceUpdate, (object)new WorkspacePresence(WorkspaceId, _members.Page(null, _options.ImmediateBroadcastLimit, onlineOnly: true).Users))
            : (RealtimeEvents.PresenceSummary, CurrentSummary);
        var now = timeProvider.GetUtcNow();
        return Task.WhenAll(joined.GroupBy(j => j.EdgeId, StringComparer.Ordinal).Select(edge =>
        {
            var deliveries = edge.Select(j => new EdgeDelivery(EventAudience.JoinGroup(WorkspaceId, j.ConnectionId, InterestGroups.Presence), payload)).ToList();
            return _publisher.PublishAsync([edge.Key], new EdgeEvent(PresenceHubs, eventName, deliveries, now));
        }));
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
        return PublishAsync(RealtimeHubs.Presence, RealtimeEvents.PresenceActivity, audiences.Select(a => new EdgeDelivery(a, activity)).ToList());
    }

    private Task PublishAsync(RealtimeHubs hubs, string eventName, IReadOnlyList<EdgeDelivery> deliveries) =>
        _publisher.PublishAsync(_members.ConnectionsPerEdge.Keys, new EdgeEvent(hubs, eventName, deliveries, timeProvider.GetUtcNow()));

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

    private void CountCall(string method) => _calls[method] = _calls.GetValueOrDefault(method) + 1;
}
