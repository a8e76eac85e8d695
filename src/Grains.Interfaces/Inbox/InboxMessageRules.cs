using System.Text;

namespace Realtime.Grains.Inbox;

/// <summary>What a message and an SLA may be. Checked where they enter: the service facade and the grain itself.</summary>
public static class InboxMessageRules
{
    public const int MaxContentLength = 16_000;
    public const int MaxDataBytes = 16 * 1024;

    /// <summary>The longest response time an SLA may give; beyond it a deadline means nothing.</summary>
    public static readonly TimeSpan MaxSla = TimeSpan.FromDays(365);

    public static void EnsureValid(InboxMessageDraft draft)
    {
        var errors = new List<string>();
        if (!RealtimeIds.IsValid(draft.MessageId))
        {
            errors.Add($"messageId: 1 to {RealtimeIds.MaxLength} letters, digits or - _ . @ :");
        }

        if (!RealtimeIds.IsValid(draft.AuthorId))
        {
            errors.Add($"authorId: 1 to {RealtimeIds.MaxLength} letters, digits or - _ . @ :");
        }

        if (draft.Content is null || draft.Content.Length > MaxContentLength)
        {
            errors.Add($"content: 0 to {MaxContentLength} characters");
        }

        if (draft.Data is { } data && Encoding.UTF8.GetByteCount(data.Json) > MaxDataBytes)
        {
            errors.Add($"data: at most {MaxDataBytes} bytes of JSON");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(draft));
        }
    }

    public static void EnsureValidSla(TimeSpan responseTime)
    {
        if (responseTime <= TimeSpan.Zero || responseTime > MaxSla)
        {
            throw new ArgumentOutOfRangeException(nameof(responseTime), responseTime, $"An SLA response time must be positive and at most {MaxSla.TotalDays} days.");
        }
    }
}
