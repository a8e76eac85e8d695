using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Inbox;

/// <summary>Inbox behaviour of the silos. Section "Inbox".</summary>
public sealed class InboxOptions
{
    public const string SectionName = "Inbox";

    /// <summary>An `inbox:typing` true not renewed within this time lapses (a false is sent for it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan TypingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Period of the reminder behind each pending SLA deadline: it first fires at the deadline and
    /// then, should the silo have been down then, or a delivery failed, once per period until the
    /// escalation is out. At least Silo:MinimumReminderPeriod.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SlaReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
