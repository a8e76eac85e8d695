using System.Globalization;
using System.Text.Json;
using Realtime.Grains.Notifications;

namespace Realtime.Grains.Inbox;

/// <summary>The `sla_escalation` notification an assignee gets for an escalation.</summary>
public static class SlaEscalationNotice
{
    public static NotificationDraft For(SlaEscalation escalation)
    {
        var since = escalation.WaitingSince.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var data = JsonSerializer.Serialize(new
        {
            conversationId = escalation.ConversationId,
            waitingSince = escalation.WaitingSince.UtcDateTime,
            deadline = escalation.Deadline.UtcDateTime,
        });
        return new NotificationDraft(
            NotificationTypes.SlaEscalation,
            "SLA escalation",
            $"Conversation {escalation.ConversationId} has waited for a reply since {since} UTC, past its SLA.",
            new RawJson(data));
    }
}
