using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;
using Realtime.Grains.Presence;
using Realtime.Grains.Telemetry;

namespace Realtime.Grains.Webhooks;

/// <summary>
/// Holds one user's webhooks (or a workspace's) until every endpoint that wants them answered 2xx.
/// A webhook is written to state before the call that published it returns, so a silo restart
/// loses none; each endpoint gets its webhooks in order, the next only after the previous one
/// succeeded or was given up. A failed attempt is retried after a doubling delay for
/// <see cref="WebhookOptions.RetryFor"/>. Sending runs in an interleaving timer, so a slow
/// receiver never holds up the presence, notification and inbox grains that publish here; a
/// reminder wakes the outbox when its activation is gone while work remains.
/// </summary>
public sealed partial class WebhookOutboxGrain(
    [PersistentState("webhooks", StorageNames.Realtime)] IPersistentState<WebhookOutboxState> state,
    IOptions<WebhookOptions> options,
    IWebhookSender sender,
    WebhookEvents events,
    TimeProvider timeProvider,
    RealtimeGrainMetrics metrics,
    ILogger<WebhookOutboxGrain> logger) : Grain, IWebhookOutboxGrain, IRemindable
{
    private const string Reminder = "webhook-delivery";
    private const string OfflineKey = "presence.offline";

    private readonly WebhookOptions _options = options.Value;

    private string _workspaceId = "";
    private string? _userId;
    private IGrainTimer _timer = null!;
    private Task? _writing;
    private bool _sending;
    private bool _sendAgain;
    private bool? _reminderRegistered;

    /// <summary>What this activation last added to the silo's webhook backlog gauge.</summary>
    private long _reportedPending;

    /// <summary>The webhook on its way to each endpoint: never the one dropped over the bound, being no longer waiting.</summary>
    private readonly Dictionary<string, PendingWebhook> _inFlight = new(StringComparer.Ordinal);

    private WebhookOutboxState State => state.State;

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_workspaceId, _userId) = WebhookOutboxKey.Parse(this.GetPrimaryKeyString());
        _timer = this.RegisterGrainTimer(SendDueAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = true });
        ReportPending();
        await ScheduleNextAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // What waits here is counted again by whichever activation loads it next.
        metrics.WebhooksPendingChanged(-_reportedPending);
        _reportedPending = 0;
        return Task.CompletedTask;
    }

    public async Task PresenceChanged(PresenceStatus status)
    {
        var announced = State.Announced ?? PresenceStatus.Offline;
        var offlineDue = State.Scheduled.Any(s => s.Key == OfflineKey);
        if (status == PresenceStatus.Offline)
        {
            if (announced == PresenceStatus.Offline || offlineDue)
            {
                return;
            }

            // Announced once the user stayed away for the grace period: a reload is no offline/online pair.
            AddScheduled(new ScheduledWebhook(OfflineKey, Presence(WebhookEventTypes.PresenceOffline, status), Now + _options.OfflineGrace));
        }
        else
        {
            State.Scheduled.RemoveAll(s => s.Key == OfflineKey);
            if (announced == PresenceStatus.Offline)
            {
                Enqueue(Presence(WebhookEventTypes.PresenceOnline, status));
            }
            else if (announced != status)
            {
                Enqueue(Presence(WebhookEventTypes.PresenceStatus, status));
            }
            else if (!offlineDue)
            {
                return;
            }

            State.Announced = status;
        }

        await PersistAndScheduleAsync();
    }

    public async Task Publish(WebhookEvent webhook, string? cancelScheduled)
    {
        if (cancelScheduled is not null)
        {
            State.Scheduled.RemoveAll(s => Matches(s.Key, cancelScheduled));
        }

        Enqueue(webhook);
        await PersistAndScheduleAsync();
    }

    public async Task Schedule(IReadOnlyList<ScheduledWebhook> webhooks)
    {
        foreach (var scheduled in webhooks)
        {
            State.Scheduled.RemoveAll(s => s.Key == scheduled.Key);
            AddScheduled(scheduled);
        }

        await PersistAndScheduleAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Whatever is due goes now; with nothing left the reminder goes too.
        return reminderName == Reminder ? SendDueAsync(CancellationToken.None) : Task.CompletedTask;
    }

    /// <summary>An exact key, or every key under a prefix ending in '/'.</summary>
    private static bool Matches(string key, string cancel) =>
        cancel.EndsWith('/') ? key.StartsWith(cancel, StringComparison.Ordinal) : key == cancel;

    private WebhookEvent Presence(string type, PresenceStatus status) =>
        events.Create(type, _workspaceId, _userId, new PresenceWebhookData(status));

    private void AddScheduled(ScheduledWebhook scheduled)
    {
        if (State.Scheduled.Count >= _options.MaxPendingPerUser)
        {
            var dropped = State.Scheduled.MinBy(s => s.Due)!;
            State.Scheduled.Remove(dropped);
            Dropped(dropped.Webhook, WebhookDropReason.Overflow);
        }

        State.Scheduled.Add(scheduled);
    }

    /// <summary>Queues the webhook for every endpoint that wants it; over the bound the oldest waiting one is dropped.</summary>
    private void Enqueue(WebhookEvent webhook)
    {
        var now = Now;
        foreach (var endpoint in _options.Endpoints.Where(e => e.Wants(webhook.Type)))
        {
            if (!State.Pending.TryGetValue(endpoint.Url, out var queue))
            {
                State.Pending[endpoint.Url] = queue = [];
            }

            if (queue.Count >= _options.MaxPendingPerUser)
            {
                var oldest = _inFlight.TryGetValue(endpoint.Url, out var sending) && ReferenceEquals(queue[0], sending) && queue.Count > 1 ? 1 : 0;
                Dropped(queue[oldest].Webhook, WebhookDropReason.Overflow);
                queue.RemoveAt(oldest);
            }

            queue.Add(new PendingWebhook(webhook, now, 0, now));
        }
    }

    private async Task SendDueAsync(CancellationToken cancellationToken)
    {
        if (_sending)
        {
            _sendAgain = true;
            return;
        }

        _sending = true;
        try
        {
            do
            {
                _sendAgain = false;
                await PublishDueScheduledAsync();
                await Task.WhenAll(State.Pending.Keys.ToList().Select(SendToAsync));
            }
            while (_sendAgain);
        }
        finally
        {
            _sending = false;
        }

        await ScheduleNextAsync();
    }

    private async Task PublishDueScheduledAsync()
    {
        var now = Now;
        var due = State.Scheduled.Where(s => s.Due <= now).OrderBy(s => s.Due).ToList();
        if (due.Count == 0)
        {
            return;
        }

        foreach (var scheduled in due)
        {
            State.Scheduled.Remove(scheduled);
            if (scheduled.Key == OfflineKey)
            {
                State.Announced = PresenceStatus.Offline;
            }

            // Stamped when it happened: the moment it fell due.
            Enqueue(scheduled.Webhook with { Timestamp = scheduled.Due });
        }

        await PersistAsync();
    }

    /// <summary>Sends one endpoint's webhooks in order until one fails (it waits for its retry) or none is left.</summary>
    private async Task SendToAsync(string url)
    {
        var queue = State.Pending[url];
        var endpoint = _options.Endpoints.FirstOrDefault(e => e.Url == url);
        if (endpoint is null)
        {
            // The endpoint was removed from configuration while webhooks waited for it.
            foreach (var pending in queue)
            {
                Dropped(pending.Webhook, WebhookDropReason.Unconfigured);
            }

            State.Pending.Remove(url);
            await PersistAsync();
            return;
        }

        while (queue.Count > 0 && queue[0].NextAttemptAt <= Now)
        {
            var head = queue[0];
            _inFlight[url] = head;
            bool delivered;
            try
            {
                delivered = await sender.SendAsync(endpoint, head.Webhook, CancellationToken.None);
            }
            finally
            {
                _inFlight.Remove(url);
            }

            metrics.WebhookAttempted(head.Webhook.Type, delivered);

            // Still the head: only waiting webhooks are dropped over the bound, and only this loop removes a head.
            var index = queue.IndexOf(head);
            if (delivered)
            {
                if (index >= 0)
                {
                    queue.RemoveAt(index);
                }
            }
            else if (Now - head.QueuedAt >= _options.RetryFor)
            {
                if (index >= 0)
                {
                    queue.RemoveAt(index);
                }

                Dropped(head.Webhook, WebhookDropReason.Expired);
                LogExpired(head.Webhook.Type, head.Webhook.Id, url, head.FailedAttempts + 1);
            }
            else
            {
                var failed = head.FailedAttempts + 1;
                if (index >= 0)
                {
                    queue[index] = head with { FailedAttempts = failed, NextAttemptAt = Now + _options.RetryDelay(failed) };
                }

                await PersistAsync();
                return;
            }

            if (queue.Count == 0)
            {
                State.Pending.Remove(url);
            }

            await PersistAsync();
        }
    }

    private async Task PersistAndScheduleAsync()
    {
        await PersistAsync();
        await ScheduleNextAsync();
    }

    /// <summary>
    /// Writes the state as it is now. The sending timer interleaves with calls, so two turns may
    /// want to write at once: each waits for the write in flight and then writes itself.
    /// </summary>
    private async Task PersistAsync()
    {
        // Every change of what waits is written: the backlog gauge follows the writes.
        ReportPending();
        while (_writing is { } inFlight)
        {
            try
            {
                await inFlight;
            }
            catch (Exception)
            {
                // Its turn reports the failure; this turn's write follows and carries the same state.
            }
        }

        var write = state.WriteStateAsync();
        _writing = write;
        try
        {
            await write;
        }
        finally
        {
            _writing = null;
        }
    }

    /// <summary>The timer for the next due attempt or scheduled webhook; the reminder while any work is left.</summary>
    private async Task ScheduleNextAsync()
    {
        var next = State.Pending.Values.Where(q => q.Count > 0).Select(q => q[0].NextAttemptAt)
            .Concat(State.Scheduled.Select(s => s.Due))
            .DefaultIfEmpty(DateTimeOffset.MaxValue)
            .Min();
        if (next == DateTimeOffset.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_reminderRegistered != false && await this.GetReminder(Reminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderRegistered = false;
            return;
        }

        if (!_sending)
        {
            var due = next - Now;
            _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _sendAgain = true;
        }

        if (_reminderRegistered != true)
        {
            await this.RegisterOrUpdateReminder(Reminder, _options.ReminderPeriod, _options.ReminderPeriod);
            _reminderRegistered = true;
        }
    }

    private void ReportPending()
    {
        var pending = State.Pending.Values.Sum(queue => (long)queue.Count);
        metrics.WebhooksPendingChanged(pending - _reportedPending);
        _reportedPending = pending;
    }

    private void Dropped(WebhookEvent webhook, WebhookDropReason reason)
    {
        metrics.WebhookDropped(webhook.Type, reason);
        if (reason != WebhookDropReason.Expired)
        {
            LogDropped(webhook.Type, webhook.Id, reason, _workspaceId, _userId);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Gave up webhook {Type} {Id} to {Url} after {Attempts} attempts over the retry period")]
    private partial void LogExpired(string type, string id, string url, int attempts);

    [LoggerMessage(2, LogLevel.Warning, "Dropped webhook {Type} {Id} ({Reason}) of user {UserId} in workspace {WorkspaceId}")]
    private partial void LogDropped(string type, string id, WebhookDropReason reason, string workspaceId, string? userId);
}

/// <summary>Why a webhook was dropped undelivered (tag "reason" of realtime.webhooks.dropped).</summary>
public enum WebhookDropReason
{
    /// <summary>Over <see cref="WebhookOptions.MaxPendingPerUser"/>: the oldest waiting one made room.</summary>
    Overflow,

    /// <summary>Not delivered within <see cref="WebhookOptions.RetryFor"/>.</summary>
    Expired,

    /// <summary>Its endpoint is no longer configured.</summary>
    Unconfigured,
}
