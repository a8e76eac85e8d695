using System.Text.RegularExpressions;

namespace Realtime.Grains.Broadcasting;

/// <summary>
/// Event names backend services may broadcast: lower case, words joined by ':' ("campaign:launched").
/// The names the cluster itself sends are refused, so a broadcast cannot pass for a presence
/// change, a notification or a revoked session.
/// </summary>
public static partial class BroadcastEventNames
{
    /// <summary>Names and name prefixes the cluster's own events use.</summary>
    private static readonly string[] ReservedNames = ["connected", "pong"];

    private static readonly string[] ReservedPrefixes = ["presence:", "notification", "dashboard:", "inbox:", "metrics:", "session:"];

    public const string Rule = "a-z or 0-9 first, then a-z 0-9 : . _ -, at most 64; not connected, pong, presence:*, notification*, dashboard:*, inbox:*, metrics:* or session:*";

    public static bool IsValid(string? name) =>
        name is not null
        && Pattern().IsMatch(name)
        && !ReservedNames.Contains(name, StringComparer.Ordinal)
        && !ReservedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    public static string EnsureValid(string name, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(name))] string? paramName = null) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not an event name a service may broadcast: {Rule}.", paramName);

    [GeneratedRegex("^[a-z0-9][a-z0-9:._-]{0,63}$")]
    private static partial Regex Pattern();
}
