using System.Text;

namespace Realtime.Grains.Inbox;

/// <summary>What a message and an SLA may be. Checked where they enter: the service facade and the grain itself.</summary>
public static class InboxMessageRules
{
    public const int MaxContentLength = 16_000;
    public const int MaxDataBytes = 16 * 1024;

    /// <summary>The longest response time an SLA may give; beyond it a deadline means nothing.</summary>
    public static readonly TimeSpan MaxSla = TimeSpan.FromDays(365);

    /// <summary>What is wrong with the draft, by field as the HTTP API names it (empty when nothing).</summary>
    public static Dictionary<string, string[]> Validate(InboxMessageDraft draft)
    {
        var errors = new Dictionary<string, string[]>();
        if (!RealtimeIds.IsValid(draft.MessageId))
        {
            errors["messageId"] = [$"1 to {RealtimeIds.MaxLength} letters, digits or - _ . @ :"];
        }

        if (!RealtimeIds.IsValid(draft.AuthorId))
        {
            errors["authorId"] = [$"1 to {RealtimeIds.MaxLength} letters, digits or - _ . @ :"];
        }

        if (draft.Content is null || draft.Content.Length > MaxContentLength)
        {
            errors["content"] = [$"0 to {MaxContentLength} characters"];
        }

        if (draft.Data is { } data && Encoding.UTF8.GetByteCount(data.Json) > MaxDataBytes)
        {
            errors["data"] = [$"at most {MaxDataBytes} bytes of JSON"];
        }

        return errors;
    }

    public static void EnsureValid(InboxMessageDraft draft)
    {
        var errors = Validate(draft);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")), nameof(draft));
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
