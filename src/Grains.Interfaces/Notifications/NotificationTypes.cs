namespace Realtime.Grains.Notifications;

/// <summary>The notification types of the wire contract (docs/protocol.md).</summary>
public static class NotificationTypes
{
    public const string Mention = "mention";
    public const string Message = "message";
    public const string Approval = "approval";
    public const string Alert = "alert";
    public const string Crisis = "crisis";
    public const string PostPublished = "post_published";
    public const string PostFailed = "post_failed";
    public const string Review = "review";
    public const string SlaEscalation = "sla_escalation";
    public const string System = "system";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Mention, Message, Approval, Alert, Crisis, PostPublished, PostFailed, Review, SlaEscalation, System,
    };
}
