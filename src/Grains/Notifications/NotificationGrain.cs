using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Realtime.Grains.Hosting;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;
using Realtime.Grains.Webhooks;

namespace Realtime.Grains.Notifications;

/// <summary>
/// One user's notifications in one workspace. New ones go to the edges holding the user's
/// connections (as the presence grain knows them), addressed to the user; each edge hands them
/// to the user's live /notifications connections there.
/// A connection goes live by an attach barrier published on its edge's stream, in order with
/// the live notifications: what came before the barrier is caught up (if asked), what came after
/// is delivered live, so a reconnecting client gets every missed notification exactly once.
/// Notifications are stored in pages beside a small index (<see cref="NotificationPages"/>): a
/// change writes its page and the index, not the whole list.
/// </summary>
public sealed partial class NotificationGrain(
    [PersistentState("notifications", StorageNames.Realtime)] IPersistentState<NotificationState> state,
    [FromKeyedServices(StorageNames.Realtime)] IGrainStorage storage,
    IOptions<NotificationOptions> options,
    WebhookEvents webhooks,
    TimeProvider timeProvider,
    RealtimeGrainMetrics metrics,
    ILogger<NotificationGrain> logger) : Grain, INotificationGrain
{
    private readonly NotificationOptions _options = options.Value;

    /// <summary>Live connections and the newest sequence each had when it went live; what is newer reached it live.</summary>
    private readonly Dictionary<string, long> _liveSince = new(StringComparer.Ordinal);

    private string _workspaceId = "";
    private string _userId = "";
    private NotificationIds _ids = null!;
    private EdgePublisher _publisher = null!;
    private NotificationPages _pages = null!;

    /// <summary>The stored index no longer says what is kept (pages came or went, workspace notifications were taken).</summary>
    private bool _indexStale;

    private IReadOnlyList<StoredNotification> Items => _pages.Items;

    private int Unread => _pages.Unread;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_workspaceId, _userId) = RealtimeIds.ParseUserInWorkspace(this.GetPrimaryKeyString());
        _ids = new NotificationIds(_workspaceId, _userId);
        _publisher = new EdgePublisher(this.GetStreamProvider(StreamNames.Provider), metrics);
        _pages = new NotificationPages(storage, this.GetGrainId());
        await _pages.LoadAsync(state.State.Pages);

        // The newest notification is never the one removed over the bound, so its page knows the
        // last sequence even when the index was last written a few accepts earlier.
        state.State.LastSequence = Math.Max(state.State.LastSequence, Items.Count > 0 ? Items[^1].Sequence : 0);
        if (state.State.Items.Count > 0)
        {
            // Kept as one list by an earlier version: moved into pages once.
            _pages.Adopt(state.State.Items);
            state.State.Items = [];
            await SaveAsync();
        }
    }

    public async Task<Notification> Send(NotificationDraft draft)
    {
        NotificationDraftRules.EnsureValid(draft);
        var notification = Append(draft, timeProvider.GetUtcNow());
        await SaveAsync();
        await DeliverToUserAsync(RealtimeEvents.Notification, notification);
        await ScheduleUnreadWebhooksAsync([notification]);
        return notification;
    }

    public async Task ReceiveWorkspaceNotification(WorkspaceNotification notification)
    {
        if (notification.Sequence <= state.State.LastWorkspaceSequence)
        {
            return;
        }

        // A gap means an earlier one was lost on the way: take everything from the feed, in order.
        var items = notification.Sequence == state.State.LastWorkspaceSequence + 1
            ? [notification]
            : await Feed.GetSince(state.State.LastWorkspaceSequence);
        await StoreAndDeliverAsync(Materialize(items));
    }

    public async Task<string> GetStartingPoint()
    {
        // Workspace-wide notifications sent so far are older than the connection: they come before the point.
        await StoreAndDeliverAsync(Materialize(await Feed.GetSince(state.State.LastWorkspaceSequence)));
        return _ids.Format(state.State.LastSequence);
    }

    public async Task Attach(string connectionId, string edgeId, string? lastSeenId)
    {
        var since = ParseOrThrow(lastSeenId);

        // Workspace-wide notifications sent while the user was away become theirs now.
        await StoreAndDeliverAsync(Materialize(await Feed.GetSince(state.State.LastWorkspaceSequence)));

        _liveSince[connectionId] = state.State.LastSequence;
        var missed = since is { } sequence ? After(sequence, state.State.LastSequence) : [];
        await SendCatchUpAsync(connectionId, edgeId, missed, goLive: true);
    }

    public async Task Sync(string connectionId, string edgeId, string lastSeenId)
    {
        var since = ParseOrThrow(lastSeenId)!.Value;

        // Newer ones than the connection's live point reached it live; an unknown connection (this grain
        // was reactivated meanwhile) gets everything up to now.
        var until = _liveSince.GetValueOrDefault(connectionId, state.State.LastSequence);
        await SendCatchUpAsync(connectionId, edgeId, After(since, until), goLive: false);
    }

    public Task Detach(string connectionId)
    {
        _liveSince.Remove(connectionId);
        return Task.CompletedTask;
    }

    public async Task<NotificationReadAck> MarkRead(string notificationId)
    {
        var index = _ids.TryParse(notificationId, out var sequence) ? _pages.IndexOf(sequence) : -1;
        if (index < 0)
        {
            throw new KeyNotFoundException($"Notification '{notificationId}' is not one of this user's notifications in this workspace.");
        }

        if (_pages.MarkRead(index))
        {
            await SaveAsync();
            await AnnounceReadAsync(new NotificationReadWebhookData(notificationId, All: false, Unread), UnreadWebhookKey(notificationId));
        }

        var ack = new NotificationReadAck(notificationId, false, Unread);
        await DeliverToUserAsync(RealtimeEvents.NotificationReadAck, ack);
        return ack;
    }

    public async Task<NotificationReadAck> MarkAllRead()
    {
        if (Unread > 0)
        {
            for (var i = 0; i < Items.Count; i++)
            {
                _pages.MarkRead(i);
            }

            await SaveAsync();
            await AnnounceReadAsync(new NotificationReadWebhookData(null, All: true, 0), UnreadWebhookKey(""));
        }

        var ack = new NotificationReadAck(null, true, 0);
        await DeliverToUserAsync(RealtimeEvents.NotificationReadAck, ack);
        return ack;
    }

    public Task<NotificationPage> List(string? cursor, int limit, bool unreadOnly)
    {
        var before = ParseOrThrow(cursor) ?? long.MaxValue;
        var page = Items
            .Reverse()
            .Where(i => i.Sequence < before && !(unreadOnly && i.Notification.Read))
            .Take(limit + 1)
            .ToList();
        var more = page.Count > limit;
        var notifications = page.Take(limit).Select(i => i.Notification).ToList();
        return Task.FromResult(new NotificationPage(notifications, Unread, more ? notifications[^1].Id : null));
    }

    public Task<int> GetUnreadCount() => Task.FromResult(Unread);

    private IWorkspaceNotificationFeedGrain Feed => GrainFactory.GetGrain<IWorkspaceNotificationFeedGrain>(_workspaceId);

    private Notification Append(NotificationDraft draft, DateTimeOffset createdAt)
    {
        var sequence = ++state.State.LastSequence;
        var notification = new Notification(_ids.Format(sequence), draft.Type, draft.Title, draft.Message, draft.Data, _userId, _workspaceId, createdAt, Read: false);
        _pages.Append(new StoredNotification(sequence, notification));
        Trim();
        return notification;
    }

    /// <summary>Copies workspace-wide notifications into this user's own list (in memory; the caller writes).</summary>
    private List<Notification> Materialize(IReadOnlyList<WorkspaceNotification> items)
    {
        var created = new List<Notification>();
        foreach (var item in items.Where(i => i.Sequence > state.State.LastWorkspaceSequence).OrderBy(i => i.Sequence))
        {
            created.Add(Append(item.Draft, item.CreatedAt));
            state.State.LastWorkspaceSequence = item.Sequence;
            _indexStale = true;
        }

        return created;
    }

    private async Task StoreAndDeliverAsync(List<Notification> created)
    {
        if (created.Count == 0)
        {
            return;
        }

        await SaveAsync();
        foreach (var notification in created)
        {
            await DeliverToUserAsync(RealtimeEvents.Notification, notification);
        }

        await ScheduleUnreadWebhooksAsync(created);
    }

    private IWebhookOutboxGrain Webhooks => GrainFactory.GetGrain<IWebhookOutboxGrain>(WebhookOutboxKey.For(_workspaceId, _userId));

    /// <summary>The outbox key of a notification's unread webhook; of all of them for an empty id.</summary>
    private static string UnreadWebhookKey(string notificationId) => $"{WebhookEventTypes.NotificationUnread}/{notificationId}";

    /// <summary>Each new notification is announced as unread if nobody read it in time; reading it cancels that. One outbox call for all of them.</summary>
    private async Task ScheduleUnreadWebhooksAsync(List<Notification> created)
    {
        if (!webhooks.Wants(WebhookEventTypes.NotificationUnread))
        {
            return;
        }

        // A live connection took them as they were sent; otherwise they wait for a catch-up.
        var deliveredLive = _liveSince.Count > 0;
        var due = timeProvider.GetUtcNow() + webhooks.Options.UnreadAfter;
        var unread = created
            .Select(n => new ScheduledWebhook(
                UnreadWebhookKey(n.Id),
                webhooks.Create(WebhookEventTypes.NotificationUnread, _workspaceId, _userId, new NotificationUnreadWebhookData(n.Id, n.Type, n.Title, n.CreatedAt, deliveredLive)),
                due))
            .ToList();
        await Webhooks.Schedule(unread);
    }

    private async Task AnnounceReadAsync(NotificationReadWebhookData read, string cancelUnread)
    {
        // Called when unread webhooks are wanted alone too: a read notification must not be announced unread.
        if (webhooks.Wants(WebhookEventTypes.NotificationRead) || webhooks.Wants(WebhookEventTypes.NotificationUnread))
        {
            await Webhooks.Publish(webhooks.Create(WebhookEventTypes.NotificationRead, _workspaceId, _userId, read), cancelUnread);
        }
    }

    /// <summary>Over the bound, the oldest read notifications go first, then the oldest unread.</summary>
    private void Trim()
    {
        while (Items.Count > _options.MaxPerUser)
        {
            var oldestRead = -1;
            if (Unread < Items.Count)
            {
                for (var i = 0; i < Items.Count && oldestRead < 0; i++)
                {
                    oldestRead = Items[i].Notification.Read ? i : -1;
                }
            }

            _pages.RemoveAt(oldestRead >= 0 ? oldestRead : 0);
        }
    }

    /// <summary>
    /// The changed pages, then the index if what it says changed: the pages there are, or the
    /// workspace notifications taken. An accept writes one page, and the index once per page.
    /// </summary>
    private async Task SaveAsync()
    {
        _indexStale |= await _pages.SaveAsync();
        if (!_indexStale)
        {
            return;
        }

        state.State.Pages = _pages.Pages;
        await state.WriteStateAsync();
        _indexStale = false;
    }

    private List<Notification> After(long since, long until) => _pages.Between(since, until);

    private long? ParseOrThrow(string? id)
    {
        if (id is null)
        {
            return null;
        }

        return _ids.TryParse(id, out var sequence)
            ? sequence
            : throw new ArgumentException($"'{id}' is not the id of one of this user's notifications in this workspace.", nameof(id));
    }

    private async Task DeliverToUserAsync(string eventName, object payload)
    {
        var edges = await GrainFactory.GetGrain<IUserPresenceGrain>(this.GetPrimaryKeyString()).GetEdges();
        var evt = EdgeEvent.To(RealtimeHubs.Notifications, EventAudience.User(_workspaceId, _userId), eventName, payload, timeProvider.GetUtcNow());
        LogPublished(eventName, _userId, edges);
        await _publisher.PublishAsync(edges, evt);
    }

    private Task SendCatchUpAsync(string connectionId, string edgeId, List<Notification> missed, bool goLive)
    {
        var evt = EdgeEvent.To(
            RealtimeHubs.Notifications,
            EventAudience.Connection(_workspaceId, connectionId),
            RealtimeEvents.NotificationCatchUp,
            new NotificationCatchUp(missed, Unread, goLive, state.State.LastSequence > 0 ? _ids.Format(state.State.LastSequence) : null),
            timeProvider.GetUtcNow());
        LogCatchUpPublished(connectionId, edgeId, missed.Count, state.State.LastSequence);
        return _publisher.PublishAsync([edgeId], evt);
    }

    /// <summary>With the edges it went to: a user's edge missing here (presence did not list it) never gets it live.</summary>
    [LoggerMessage(1, LogLevel.Debug, "Published {EventName} of user {UserId} to edges {Edges}")]
    private partial void LogPublished(string eventName, string userId, IReadOnlyList<string> edges);

    [LoggerMessage(2, LogLevel.Debug, "Published the catch-up of connection {ConnectionId} to edge {EdgeId}: {Missed} missed, up to sequence {LastSequence}")]
    private partial void LogCatchUpPublished(string connectionId, string edgeId, int missed, long lastSequence);
}
