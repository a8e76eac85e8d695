namespace Realtime.LoadTest.Clients;

/// <summary>How connecting a group went.</summary>
public sealed record ConnectReport(int Connected, int Failed, int Ready, string? FirstError, double ConnectSeconds, double ReadySeconds)
{
    public static ConnectReport Merge(IReadOnlyList<ConnectReport> parts) => new(
        parts.Sum(p => p.Connected),
        parts.Sum(p => p.Failed),
        parts.Sum(p => p.Ready),
        parts.Select(p => p.FirstError).FirstOrDefault(e => e is not null),
        parts.Max(p => p.ConnectSeconds),
        parts.Max(p => p.ReadySeconds));
}

/// <summary>What a group of clients received; mergeable across processes.</summary>
public sealed record GroupReport
{
    public int Clients { get; init; }

    public long Received { get; init; }

    public long Duplicates { get; init; }

    public int Errors { get; init; }

    public string? FirstError { get; init; }

    public int MinOnline { get; init; }

    public long PresenceMessagesMin { get; init; }

    public long PresenceMessagesMax { get; init; }

    public long PresenceMessagesSum { get; init; }

    public long PresenceBytesMin { get; init; }

    public long PresenceBytesMax { get; init; }

    public long PresenceBytesSum { get; init; }

    /// <summary>The group's latency histogram as an HdrHistogram log.</summary>
    public string Histogram { get; init; } = "";

    public static GroupReport Merge(IReadOnlyList<GroupReport> parts) => new()
    {
        Clients = parts.Sum(p => p.Clients),
        Received = parts.Sum(p => p.Received),
        Duplicates = parts.Sum(p => p.Duplicates),
        Errors = parts.Sum(p => p.Errors),
        FirstError = parts.Select(p => p.FirstError).FirstOrDefault(e => e is not null),
        MinOnline = parts.Min(p => p.MinOnline),
        PresenceMessagesMin = parts.Min(p => p.PresenceMessagesMin),
        PresenceMessagesMax = parts.Max(p => p.PresenceMessagesMax),
        PresenceMessagesSum = parts.Sum(p => p.PresenceMessagesSum),
        PresenceBytesMin = parts.Min(p => p.PresenceBytesMin),
        PresenceBytesMax = parts.Max(p => p.PresenceBytesMax),
        PresenceBytesSum = parts.Sum(p => p.PresenceBytesSum),
        Histogram = "",
    };
}
