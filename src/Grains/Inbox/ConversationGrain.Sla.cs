using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;
using Realtime.Grains.Webhooks;

namespace Realtime.Grains.Inbox;

/// <summary>
/// The SLA clock. A wait for a team reply under an SLA has a persisted deadline; past it the
/// conversation escalates once per wait. The decision (Escalated, and the escalation to deliver)
/// is written before anything goes out, so a timer racing the reminder, a new activation or a
/// silo restart finds it taken and never escalates twice. A grain timer fires at the deadline
/// for precision; a reminder due at the same time is the backstop when the activation is gone
/// (idle collection, a silo that died), and retries a delivery that failed. What was delivered
/// is recorded step by step and not repeated.
/// </summary>
public sealed partial class ConversationGrain
{
    private const string SlaReminder = "sla-escalation";

    private IGrainTimer? _slaTimer;

    /// <summary>The deadline this activation registered the reminder for; null when it registered none.</summary>
    private DateTimeOffset? _reminderDue;

    private bool DeadlinePending => State.SlaDeadline is not null && !State.Escalated;

    private bool SlaWorkPending => DeadlinePending || State.PendingEscalation is not null;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SlaReminder)
        {
            return;
        }

        await OnSlaDueAsync();
        if (!SlaWorkPending)
        {
            // Also a reminder an earlier activation left behind for a wait that has ended since.
            await UnregisterSlaReminderAsync();
        }
    }

    /// <summary>A customer message: the wait starts unless one is running; each wait may escalate once.</summary>
    private void StartWaiting(DateTimeOffset since)
    {
        if (State.WaitingSince is not null)
        {
            return;
        }

        State.WaitingSince = since;
        State.SlaDeadline = since + State.Sla;
        State.Escalated = false;
    }

    /// <summary>A team reply, or the conversation resolved or closed: nobody waits, nothing escalates.</summary>
    private void StopWaiting()
    {
        State.WaitingSince = null;
        State.SlaDeadline = null;
    }

    /// <summary>After a state change: the timer and the reminder follow the deadline, or go.</summary>
    private async Task UpdateSlaScheduleAsync()
    {
        ArmSlaTimer();
        if (!SlaWorkPending)
        {
            if (_reminderDue is not null)
            {
                await UnregisterSlaReminderAsync();
            }

            return;
        }

        var due = State.SlaDeadline ?? Now;
        if (_reminderDue != due)
        {
            await this.RegisterOrUpdateReminder(SlaReminder, Positive(due - Now), _options.SlaReminderPeriod);
            _reminderDue = due;
        }
    }

    private void ArmSlaTimer()
    {
        _slaTimer?.Dispose();
        _slaTimer = null;
        if (SlaWorkPending)
        {
            var due = State.PendingEscalation is null ? State.SlaDeadline!.Value - Now : TimeSpan.Zero;
            _slaTimer = this.RegisterGrainTimer(_ => OnSlaDueAsync(), Positive(due), Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnSlaDueAsync()
    {
        if (DeadlinePending && Now >= State.SlaDeadline)
        {
            var escalation = new SlaEscalation(_workspaceId, _conversationId, State.Assignee, State.WaitingSince!.Value, State.SlaDeadline!.Value);
            State.Escalated = true;
            State.PendingEscalation = new PendingEscalation(escalation, Notified: false);
            await state.WriteStateAsync();
        }

        if (State.PendingEscalation is not null)
        {
            await DeliverEscalationAsync(State.PendingEscalation);
        }

        if (State.PendingEscalation is null)
        {
            // Re-arms for a deadline not reached yet, or drops the reminder when all is done.
            await UpdateSlaScheduleAsync();
        }
        else
        {
            // Delivery failed: the reminder tries again each period, rather than a timer in a tight loop.
            _slaTimer?.Dispose();
            _slaTimer = null;
        }
    }

    private async Task DeliverEscalationAsync(PendingEscalation pending)
    {
        var escalation = pending.Escalation;
        try
        {
            if (!pending.Notified && escalation.Assignee is { } assignee)
            {
                await GrainFactory.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(_workspaceId, assignee)).Send(SlaEscalationNotice.For(escalation));
                State.PendingEscalation = pending = pending with { Notified = true };
                await state.WriteStateAsync();
            }

            if (!pending.Announced && webhooks.Wants(WebhookEventTypes.InboxSlaEscalation))
            {
                await AnnounceEscalationAsync(escalation);
                State.PendingEscalation = pending with { Announced = true };
                await state.WriteStateAsync();
            }

            await PublishAsync(RealtimeEvents.InboxSlaEscalation, escalation);
            State.PendingEscalation = null;
            await state.WriteStateAsync();
            LogEscalated(_conversationId, _workspaceId, escalation.Assignee, escalation.Deadline);
        }
        catch (Exception ex)
        {
            LogEscalationFailed(ex, _conversationId, _workspaceId);
        }
    }

    /// <summary>
    /// Into the assignee's outbox (the workspace's when nobody is assigned). The id follows from the
    /// wait, so a retry after a lost write is the same webhook to the receiver.
    /// </summary>
    private Task AnnounceEscalationAsync(SlaEscalation escalation)
    {
        var data = new SlaEscalationWebhookData(_conversationId, escalation.Assignee, escalation.WaitingSince, escalation.Deadline);
        var id = $"msg_sla_{_workspaceId}_{_conversationId}_{escalation.Deadline.ToUnixTimeMilliseconds()}";
        var webhook = webhooks.Create(WebhookEventTypes.InboxSlaEscalation, _workspaceId, escalation.Assignee, data, id);
        return GrainFactory.GetGrain<IWebhookOutboxGrain>(WebhookOutboxKey.For(_workspaceId, escalation.Assignee)).Publish(webhook, null);
    }

    private async Task UnregisterSlaReminderAsync()
    {
        _reminderDue = null;
        if (await this.GetReminder(SlaReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static TimeSpan Positive(TimeSpan value) => value > TimeSpan.Zero ? value : TimeSpan.Zero;

    [LoggerMessage(1, LogLevel.Information, "Conversation {ConversationId} in workspace {WorkspaceId} escalated to {Assignee}: no team reply by {Deadline}")]
    private partial void LogEscalated(string conversationId, string workspaceId, string? assignee, DateTimeOffset deadline);

    [LoggerMessage(2, LogLevel.Warning, "Delivering the SLA escalation of conversation {ConversationId} in workspace {WorkspaceId} failed; the reminder retries")]
    private partial void LogEscalationFailed(Exception ex, string conversationId, string workspaceId);
}
