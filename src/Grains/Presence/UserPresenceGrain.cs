using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;
using Realtime.Grains.Webhooks;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Presence;

/// <summary>
/// Owns one user's connections in one workspace and derives their status from them, from the
/// status the user chose and from how long they have been idle. Every visible change, and
/// every change of where the user's connections live, is reported to the workspace grain.
/// Heartbeats stay here: the workspace grain never sees them.
/// </summary>
public sealed partial class UserPresenceGrain(
    [PersistentState("presence", StorageNames.Realtime)] IPersistentState<UserPresenceState> state,
    IOptions<PresenceOptions> options,
    WebhookEvents webhooks,
    TimeProvider timeProvider,
    ILogger<UserPresenceGrain> logger) : Grain, IUserPresenceGrain, IRemindable
{
    private const string SweepReminder = "stale-presence-sweep";

    private readonly PresenceOptions _options = options.Value;

    /// <summary>When an edge last vouched for each connection. Not persisted: a new activation gives every connection a fresh grace period.</summary>
    private readonly Dictionary<string, DateTimeOffset> _heartbeats = new(StringComparer.Ordinal);

    /// <summary>Conversations the user is typing in, with the time each indicator lapses.</summary>
    private readonly Dictionary<string, DateTimeOffset> _typingUntil = new(StringComparer.Ordinal);

    private string _workspaceId = "";
    private string _userId = "";
    private MemberUpdate? _lastReported;

    /// <summary>The status last given to the webhook outbox by this activation, which turns changes of it into presence webhooks.</summary>
    private PresenceStatus? _toldWebhooks;
    private IGrainTimer? _idleTimer;
    private IGrainTimer? _typingTimer;

    private UserPresenceState State => state.State;

    private IWorkspaceGrain Workspace => GrainFactory.GetGrain<IWorkspaceGrain>(_workspaceId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_workspaceId, _userId) = RealtimeIds.ParseUserInWorkspace(this.GetPrimaryKeyString());
        var now = timeProvider.GetUtcNow();
        foreach (var connectionId in State.Connections.Keys)
        {
            _heartbeats[connectionId] = now;
        }

        if (State.Connections.Count > 0)
        {
            await this.RegisterOrUpdateReminder(SweepReminder, _options.SweepInterval, _options.SweepInterval);
            ScheduleIdleCheck();
        }
    }

    public async Task<UserPresence> Connect(EdgeConnection connection)
    {
        var now = timeProvider.GetUtcNow();
        _heartbeats[connection.ConnectionId] = now;
        if (State.Connections.ContainsKey(connection.ConnectionId))
        {
            return Snapshot();
        }

        var first = State.Connections.Count == 0;
        State.Connections[connection.ConnectionId] = new ConnectionEntry(connection.EdgeId, now);
        State.Seen = true;
        State.LastSeen = now;
        State.LastActivityAt = now;
        await state.WriteStateAsync();
        if (first)
        {
            await this.RegisterOrUpdateReminder(SweepReminder, _options.SweepInterval, _options.SweepInterval);
        }

        ScheduleIdleCheck();
        await ReportAsync(joined: connection);
        return Snapshot();
    }

    public Task<UserPresence> Disconnect(string connectionId) =>
        RemoveConnectionsAsync(id => id == connectionId);

    public async Task<UserPresence> Navigate(string page)
    {
        if (State.Connections.Count == 0)
        {
            return Snapshot();
        }

        // Moving to another page ends what the user was doing on the previous one.
        State.CurrentPage = page;
        State.Activity = null;
        Touch();
        await state.WriteStateAsync();
        await ReportAsync();
        return Snapshot();
    }

    public async Task<UserPresence> SetStatus(PresenceStatus status)
    {
        if (State.Connections.Count == 0)
        {
            return Snapshot();
        }

        State.ChosenStatus = status == PresenceStatus.Online ? null : status;
        if (status == PresenceStatus.Online)
        {
            Touch();
        }

        await state.WriteStateAsync();
        ScheduleIdleCheck();
        await ReportAsync();
        return Snapshot();
    }

    public async Task<UserPresence> SetActivity(string type, string resourceId, string resourceType, string? sourceConnectionId)
    {
        if (State.Connections.Count == 0)
        {
            return Snapshot();
        }

        var now = timeProvider.GetUtcNow();
        State.Activity = new PresenceActivity(type, resourceId, resourceType, now);
        Touch();
        await state.WriteStateAsync();

        var activity = AppearsOffline ? null : new ActivityEvent(_userId, type, resourceId, resourceType, now);
        await ReportAsync(activity, sourceConnectionId);
        return Snapshot();
    }

    public async Task SetTyping(string conversationId, bool isTyping, string? sourceConnectionId)
    {
        if (State.Connections.Count == 0)
        {
            return;
        }

        var wasIdle = IsIdle;
        bool changed;
        if (isTyping)
        {
            changed = !_typingUntil.ContainsKey(conversationId);
            _typingUntil[conversationId] = timeProvider.GetUtcNow() + _options.TypingTimeout;
            Touch();
            _typingTimer ??= this.RegisterGrainTimer(ExpireTypingAsync, _options.TypingTimeout / 4, _options.TypingTimeout / 4);
        }
        else
        {
            changed = _typingUntil.Remove(conversationId);
        }

        if (changed && !AppearsOffline)
        {
            await Workspace.TypingChanged(new TypingEvent(_userId, conversationId, isTyping), sourceConnectionId);
        }

        if (wasIdle && !IsIdle)
        {
            await ReportAsync();
        }
    }

    public Task<IReadOnlyList<string>> Heartbeat(string edgeId, IReadOnlyList<string> connectionIds) => Heartbeat(connectionIds);

    public Task<IReadOnlyList<string>> Heartbeat(IReadOnlyList<string> connectionIds)
    {
        var now = timeProvider.GetUtcNow();
        var unknown = new List<string>();
        foreach (var connectionId in connectionIds)
        {
            if (State.Connections.ContainsKey(connectionId))
            {
                _heartbeats[connectionId] = now;
            }
            else
            {
                unknown.Add(connectionId);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(unknown);
    }

    public async Task EvictEdge(string edgeId)
    {
        var before = State.Connections.Count;
        await RemoveConnectionsAsync(id => State.Connections[id].EdgeId == edgeId);
        LogEvicted(before - State.Connections.Count, edgeId, _userId, _workspaceId);
    }

    public async Task<int> CleanupStale()
    {
        var staleBefore = timeProvider.GetUtcNow() - _options.StaleConnectionTimeout;
        var before = State.Connections.Count;
        await RemoveConnectionsAsync(id => !_heartbeats.TryGetValue(id, out var last) || last < staleBefore);
        var removed = before - State.Connections.Count;
        if (removed > 0)
        {
            LogStaleRemoved(removed, _userId, _workspaceId);
        }

        return removed;
    }

    public Task<IReadOnlyList<string>> GetEdges() =>
        Task.FromResult<IReadOnlyList<string>>(State.Connections.Values.Select(c => c.EdgeId).Distinct(StringComparer.Ordinal).ToList());

    public Task<UserPresence?> GetPresence() => Task.FromResult(State.Seen ? Snapshot() : null);

    public Task Reassert() => State.Seen ? ReportAsync(force: true) : Task.CompletedTask;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SweepReminder)
        {
            return;
        }

        await CleanupStale();
        if (State.Connections.Count == 0)
        {
            await UnregisterSweepAsync();
            return;
        }

        // Also the repair path: re-assert this member to the workspace, whose debounced
        // state may have lost the latest changes in a crash.
        await ReportAsync(force: true);
    }

    private async Task<UserPresence> RemoveConnectionsAsync(Func<string, bool> shouldRemove)
    {
        var removed = State.Connections.Keys.Where(shouldRemove).ToList();
        if (removed.Count == 0)
        {
            return Snapshot();
        }

        foreach (var connectionId in removed)
        {
            State.Connections.Remove(connectionId);
            _heartbeats.Remove(connectionId);
        }

        State.LastSeen = timeProvider.GetUtcNow();
        var lastGone = State.Connections.Count == 0;
        if (lastGone)
        {
            // What a user was doing ends with their last connection; their last page is kept.
            State.Activity = null;
            await StopTypingEverywhereAsync();
            _idleTimer?.Dispose();
            _idleTimer = null;
        }

        await state.WriteStateAsync();
        await ReportAsync();
        if (lastGone)
        {
            await UnregisterSweepAsync();
        }

        return Snapshot();
    }

    /// <summary>Tells the workspace when something it shows or routes by has changed, or a connection joined.</summary>
    private async Task ReportAsync(ActivityEvent? activity = null, string? sourceConnectionId = null, bool force = false, EdgeConnection? joined = null)
    {
        var update = new MemberUpdate(Snapshot(), ConnectionsPerEdge(), activity, sourceConnectionId, joined);
        if (!force && activity is null && joined is null && _lastReported is not null
            && !update.Presence.IsVisiblyDifferentFrom(_lastReported.Presence)
            && SameEdges(update.ConnectionsPerEdge, _lastReported.ConnectionsPerEdge))
        {
            return;
        }

        await Workspace.MemberChanged(update);
        _lastReported = update;
        await TellWebhooksAsync(update.Presence.Status);
    }

    /// <summary>Every change of status, whatever the tab, edge or sweep behind it: the outbox makes one transition per user of it.</summary>
    private async Task TellWebhooksAsync(PresenceStatus status)
    {
        if (status == _toldWebhooks || !webhooks.WantsPresence)
        {
            return;
        }

        await GrainFactory.GetGrain<IWebhookOutboxGrain>(WebhookOutboxKey.For(_workspaceId, _userId)).PresenceChanged(status);
        _toldWebhooks = status;
    }

    private UserPresence Snapshot()
    {
        // Appearing offline hides everything but the last-seen time.
        if (AppearsOffline)
        {
            return new UserPresence(_userId, _workspaceId, PresenceStatus.Offline, null, State.LastSeen, 0, null);
        }

        return new UserPresence(_userId, _workspaceId, CurrentStatus, State.CurrentPage, State.LastSeen, State.Connections.Count, State.Activity);
    }

    private PresenceStatus CurrentStatus =>
        State.Connections.Count == 0 ? PresenceStatus.Offline
        : State.ChosenStatus ?? (IsIdle ? PresenceStatus.Away : PresenceStatus.Online);

    private bool AppearsOffline => State.Connections.Count > 0 && State.ChosenStatus == PresenceStatus.Offline;

    private bool IsIdle => timeProvider.GetUtcNow() - State.LastActivityAt >= _options.IdleTimeout;

    private Dictionary<string, int> ConnectionsPerEdge()
    {
        var perEdge = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in State.Connections.Values)
        {
            perEdge[entry.EdgeId] = perEdge.GetValueOrDefault(entry.EdgeId) + 1;
        }

        return perEdge;
    }

    private static bool SameEdges(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var count) && count == pair.Value);

    /// <summary>The user did something: not idle any more; the idle clock restarts.</summary>
    private void Touch()
    {
        State.LastActivityAt = timeProvider.GetUtcNow();
        ScheduleIdleCheck();
    }

    /// <summary>One timer, due when the user would turn away; reset by every activity.</summary>
    private void ScheduleIdleCheck()
    {
        _idleTimer?.Dispose();
        _idleTimer = null;
        if (State.Connections.Count == 0 || State.ChosenStatus is not null)
        {
            return;
        }

        var due = State.LastActivityAt + _options.IdleTimeout - timeProvider.GetUtcNow();
        if (due > TimeSpan.Zero)
        {
            _idleTimer = this.RegisterGrainTimer(_ => ReportAsync(), due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task ExpireTypingAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var lapsed = _typingUntil.Where(pair => pair.Value <= now).Select(pair => pair.Key).ToList();
        foreach (var conversationId in lapsed)
        {
            _typingUntil.Remove(conversationId);
            if (!AppearsOffline)
            {
                await Workspace.TypingChanged(new TypingEvent(_userId, conversationId, false), null);
            }
        }

        if (_typingUntil.Count == 0)
        {
            _typingTimer?.Dispose();
            _typingTimer = null;
        }
    }

    private async Task StopTypingEverywhereAsync()
    {
        foreach (var conversationId in _typingUntil.Keys.ToList())
        {
            await Workspace.TypingChanged(new TypingEvent(_userId, conversationId, false), null);
        }

        _typingUntil.Clear();
        _typingTimer?.Dispose();
        _typingTimer = null;
    }

    private async Task UnregisterSweepAsync()
    {
        var reminder = await this.GetReminder(SweepReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Evicted {Count} connections of dead edge {EdgeId} from user {UserId} in workspace {WorkspaceId}")]
    private partial void LogEvicted(int count, string edgeId, string userId, string workspaceId);

    [LoggerMessage(2, LogLevel.Information, "Removed {Count} stale connections of user {UserId} in workspace {WorkspaceId}")]
    private partial void LogStaleRemoved(int count, string userId, string workspaceId);
}
