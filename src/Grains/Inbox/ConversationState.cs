namespace Realtime.Grains.Inbox;

/// <summary>Persisted state of one conversation.</summary>
[GenerateSerializer, Alias("realtime.ConversationState")]
public sealed class ConversationState
{
    /// <summary>Null until a backend service first touches the conversation: clients may not act on unknown ones.</summary>
    [Id(0)]
    public DateTimeOffset? CreatedAt { get; set; }

    [Id(1)]
    public DateTimeOffset UpdatedAt { get; set; }

    [Id(2)]
    public string? Assignee { get; set; }

    [Id(3)]
    public ConversationStatus Status { get; set; }

    /// <summary>Team members who wrote in the conversation or were assigned it, in order of first appearance.</summary>
    [Id(4)]
    public List<string> Participants { get; set; } = [];

    [Id(5)]
    public LastMessage? LastMessage { get; set; }

    /// <summary>When the customer started waiting for a team reply; null while nobody waits.</summary>
    [Id(6)]
    public DateTimeOffset? WaitingSince { get; set; }

    [Id(7)]
    public TimeSpan? Sla { get; set; }

    /// <summary>WaitingSince + Sla; kept so that a new activation knows when to escalate.</summary>
    [Id(8)]
    public DateTimeOffset? SlaDeadline { get; set; }

    /// <summary>The current wait has escalated: never again until a team reply ends it.</summary>
    [Id(9)]
    public bool Escalated { get; set; }

    /// <summary>An escalation decided but not yet fully delivered; retried by the SLA reminder.</summary>
    [Id(10)]
    public PendingEscalation? PendingEscalation { get; set; }
}

/// <summary>
/// An escalation on its way out; <see cref="Notified"/> once the assignee's notification is stored,
/// <see cref="Announced"/> once its webhook is in the outbox.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.PendingEscalation")]
public sealed record PendingEscalation(
    [property: Id(0)] SlaEscalation Escalation,
    [property: Id(1)] bool Notified,
    [property: Id(2)] bool Announced = false);
