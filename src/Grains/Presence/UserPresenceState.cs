namespace Realtime.Grains.Presence;

/// <summary>Persisted state of a user's presence in one workspace.</summary>
[GenerateSerializer, Alias("realtime.UserPresenceState")]
public sealed class UserPresenceState
{
    /// <summary>Live connections by connection id, with the edge holding each.</summary>
    [Id(0)]
    public Dictionary<string, ConnectionEntry> Connections { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public string? CurrentPage { get; set; }

    [Id(2)]
    public DateTimeOffset LastSeen { get; set; }

    /// <summary>False until the user first connects: presence of a never-seen user is "not found".</summary>
    [Id(3)]
    public bool Seen { get; set; }

    [Id(4)]
    public PresenceActivity? Activity { get; set; }

    /// <summary>Status the user chose (away, or offline to appear offline); null to derive it.</summary>
    [Id(5)]
    public PresenceStatus? ChosenStatus { get; set; }

    /// <summary>Last time the user did something (connect, navigate, activity, typing, chose online).</summary>
    [Id(6)]
    public DateTimeOffset LastActivityAt { get; set; }
}

[GenerateSerializer, Immutable, Alias("realtime.ConnectionEntry")]
public sealed record ConnectionEntry(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] DateTimeOffset ConnectedAt);
