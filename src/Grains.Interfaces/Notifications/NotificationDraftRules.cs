using System.Text;

namespace Realtime.Grains.Notifications;

/// <summary>What a notification may contain. Checked where drafts enter: HTTP, hubs and the grain itself.</summary>
public static class NotificationDraftRules
{
    public const int MaxTitleLength = 200;
    public const int MaxMessageLength = 4000;
    public const int MaxDataBytes = RawJson.MaxBytes;

    /// <summary>Problems with the draft, by field; empty when it is fine.</summary>
    public static Dictionary<string, string[]> Validate(NotificationDraft draft) => Validate(draft, MaxTitleLength, MaxMessageLength);

    /// <summary>
    /// The same, with lower length limits of the entry point (an edge's Edge:Limits); the grain
    /// checks the ceilings above whatever the entry point allowed.
    /// </summary>
    public static Dictionary<string, string[]> Validate(NotificationDraft draft, int maxTitleLength, int maxMessageLength)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!NotificationTypes.All.Contains(draft.Type ?? ""))
        {
            errors["type"] = [$"one of {string.Join(", ", NotificationTypes.All.Order(StringComparer.Ordinal))}"];
        }

        if (string.IsNullOrWhiteSpace(draft.Title) || draft.Title.Length > Math.Min(maxTitleLength, MaxTitleLength))
        {
            errors["title"] = [$"1 to {Math.Min(maxTitleLength, MaxTitleLength)} characters"];
        }
        else if (!PlainText.IsClean(draft.Title))
        {
            errors["title"] = ["text without control characters"];
        }

        if (draft.Message is null || draft.Message.Length > Math.Min(maxMessageLength, MaxMessageLength))
        {
            errors["message"] = [$"0 to {Math.Min(maxMessageLength, MaxMessageLength)} characters"];
        }
        else if (!PlainText.IsClean(draft.Message, allowLineBreaks: true))
        {
            errors["message"] = ["text without control characters other than line breaks and tabs"];
        }

        if (draft.Data is { } data && Encoding.UTF8.GetByteCount(data.Json) > MaxDataBytes)
        {
            errors["data"] = [$"at most {MaxDataBytes} bytes of JSON"];
        }

        return errors;
    }

    public static void EnsureValid(NotificationDraft draft)
    {
        var errors = Validate(draft);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")), nameof(draft));
        }
    }
}
