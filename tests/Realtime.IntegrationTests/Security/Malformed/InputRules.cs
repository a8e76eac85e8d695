using Realtime.Grains;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>What the edge may store or broadcast from a client's input, as docs/security.md states the rules.</summary>
public static class InputRules
{
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { "online", "away", "offline" };

    public static readonly IReadOnlySet<string> ActivityTypes = new HashSet<string>(StringComparer.Ordinal) { "viewing", "editing", "commenting" };

    /// <summary>1 to MaxPageLength characters, not blank, no control characters, well-formed UTF-16.</summary>
    public static bool IsValidPage(string? page) =>
        !string.IsNullOrWhiteSpace(page) && page.Length <= MalformedInputFixture.MaxPageLength && !page.Any(char.IsControl) && IsWellFormed(page);

    public static bool IsValidId(string? id) => RealtimeIds.IsValid(id) && id.Length <= MalformedInputFixture.MaxIdLength;

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
