using System.Text;

namespace Realtime.Grains.Notifications;

/// <summary>What a notification may contain. Checked where drafts enter: HTTP, hubs and the grain itself.</summary>
public static class NotificationDraftRules
{
    public const int MaxTitleLength = 200;
    public const int MaxMessageLength = 4000;
    public const int MaxDataBytes = RawJson.MaxBytes;

    /// <summary>Problems with the draft, by field; empty when it is fine.</summary>
    public static Dictionary<string, string[]> Validate(NotificationDraft draft)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!NotificationTypes.All.Contains(draft.Type ?? ""))
        {
            errors["type"] = [$"one of {string.Join(", ", NotificationTypes.All.Order(StringComparer.Ordinal))}"];
        }

        if (string.IsNullOrWhiteSpace(draft.Title) || draft.Title.Length > MaxTitleLength)
        {
            errors["title"] = [$"1 to {MaxTitleLength} characters"];
        }

        if (draft.Message is null || draft.Message.Length > MaxMessageLength)
        {
            errors["message"] = [$"0 to {MaxMessageLength} characters"];
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
