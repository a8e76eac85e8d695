using Realtime.Testing.Metrics;

namespace Realtime.LoadTest.Soak;

/// <summary>What a soak did and found, as written to artifacts/soak/soak-*.json. Times are seconds from the start of the load.</summary>
public sealed record SoakReport
{
    public required SoakSettings Settings { get; init; }

    public required IReadOnlyList<KillSummary> Kills { get; init; }

    public required NotificationCounts Notifications { get; init; }

    public required BroadcastCounts Broadcasts { get; init; }

    public required PresenceResult Presence { get; init; }

    public required LatencyReport Latency { get; init; }

    public required IReadOnlyList<ProcessMemoryResult> Memory { get; init; }

    public required ClientSummary Clients { get; init; }

    public required IReadOnlyList<Criterion> Criteria { get; init; }

    /// <summary>Examples of each kind of failure (the first few), with what is needed to look them up in the logs.</summary>
    public required IReadOnlyList<string> Findings { get; init; }

    /// <summary>Every RSS sample: process, generation, seconds, MB.</summary>
    public required IReadOnlyList<MemoryPoint> MemorySamples { get; init; }

    public bool Passed => Criteria.All(c => c.Passed);
}

public sealed record SoakSettings(
    int Seed,
    double DurationSeconds,
    int Clients,
    int Users,
    int Workspaces,
    string KillEvery,
    double MaxDowntimeSeconds,
    string Kill,
    double HttpNotificationsPerSecond,
    double GrainNotificationsPerSecond,
    double BroadcastsPerSecond,
    double NavigationsPerSecond,
    double StatusChangesPerSecond,
    double ChurnPerMinute,
    double GiveUpOnEdgeKill,
    double LeaseSeconds,
    double LeaseRenewSeconds,
    string RedisAppendFsync,
    string MemoryBound,
    double ConvergenceLimitSeconds,
    double DeliveryGraceSeconds,
    string ClusterId,
    DateTimeOffset StartedAt,
    string LogDirectory);

public sealed record KillSummary(int Number, string Target, double AtSeconds, double DownSeconds, double ReadyAfterSeconds, int GaveUp, string? Error);

public sealed record NotificationCounts(
    int Sent,
    int Accepted,
    int Failed,
    int AcceptedOverHttp,
    int AcceptedThroughGrain,
    int Retried,
    int Holders,
    int HoldersConnectedAtEnd,
    long Expected,
    long Delivered,
    long Lost,
    long Duplicates,
    long Unaccounted);

public sealed record BroadcastCounts(int Sent, int Accepted, int Failed, long Expected, long Delivered, long Lost, long Duplicates, long DeliveredNotDue);

public sealed record PresenceResult(bool Converged, double? ConvergenceSeconds, double LimitSeconds, double? MeasuredFromSeconds, string Detail, IReadOnlyList<string> ServerSide);

public sealed record LatencyReport(LatencySummary Broadcasts, LatencySummary Notifications, LatencySummary BroadcastsInKillWindows, LatencySummary NotificationsInKillWindows);

public sealed record ProcessMemoryResult(
    string Process,
    int Generation,
    double FirstSampleSeconds,
    double? BaselineMb,
    double? BaselineAtSeconds,
    double LastMb,
    double LastAtSeconds,
    double MaxMb,
    double? GrowthMb,
    double? BoundMb,
    bool? WithinBound,
    int ExtraConnections);

public sealed record MemoryPoint(string Process, int Generation, double AtSeconds, double Mb);

public sealed record ClientSummary(int Total, int Realtime, int Presence, int Notifications, int OpenAtEnd, int Reconnects, int AwayAtConvergence);

public sealed record Criterion(string Name, bool Passed, string Detail);
