using System.Text.RegularExpressions;

namespace Realtime.Grains.Broadcasting;

/// <summary>Event names backend services may broadcast: lower case, like the seed's ("campaign:launched").</summary>
public static partial class BroadcastEventNames
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string EnsureValid(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a valid event name: a-z first, then a-z 0-9 : . _ -, at most 64.", nameof(name));

    [GeneratedRegex("^[a-z][a-z0-9:._-]{0,63}$")]
    private static partial Regex Pattern();
}
