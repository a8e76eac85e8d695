using System.Collections.Concurrent;

namespace Realtime.LoadTest.Soak;

/// <summary>A workspace broadcast the soak sent: accepted when the call returned. Times are wall clock, Unix microseconds.</summary>
public sealed record BroadcastSend(long Seq, int Workspace, long StartedAt, long EndedAt, bool Accepted, string? Error);

/// <summary>
/// A notification the soak sent to one user, over HTTP or the grain interface, retried until accepted
/// (a backend's retry policy). StartedAt is the start of the attempt that was accepted.
/// </summary>
public sealed record NotificationSend(string Via, int User, string? Id, long StartedAt, long EndedAt, int Attempts, string? Error)
{
    public bool Accepted => Id is not null;
}

/// <summary>One kill: what, when it died, when it was started again, when every process was ready again, how many users gave up with it (edges).</summary>
public sealed record KillRecord(int Number, string Target, long KilledAt, long RestartedAt, long ReadyAt, int GaveUp, string? Error);

/// <summary>One memory sample of one process incarnation ("edge1", generation 2 = its first restart).</summary>
public sealed record MemorySample(string Process, int Generation, int Pid, long At, long RssBytes);

/// <summary>Everything the soak did, for the verdict: thread-safe appends from the publishers and the kill loop.</summary>
public sealed class SoakLedger
{
    private readonly ConcurrentQueue<BroadcastSend> _broadcasts = new();
    private readonly ConcurrentQueue<NotificationSend> _notifications = new();
    private readonly ConcurrentQueue<KillRecord> _kills = new();
    private readonly ConcurrentQueue<MemorySample> _memory = new();

    public IReadOnlyList<BroadcastSend> Broadcasts => [.. _broadcasts];

    public IReadOnlyList<NotificationSend> NotificationSends => [.. _notifications];

    public IReadOnlyList<KillRecord> Kills => [.. _kills.OrderBy(k => k.Number)];

    public IReadOnlyList<MemorySample> Memory => [.. _memory];

    public void Add(BroadcastSend send) => _broadcasts.Enqueue(send);

    public void Add(NotificationSend send) => _notifications.Enqueue(send);

    public void Add(KillRecord kill) => _kills.Enqueue(kill);

    public void Add(MemorySample sample) => _memory.Enqueue(sample);
}

/// <summary>A kill to make: at this time after the load started, this process, down for this long.</summary>
public sealed record PlannedKill(int Number, TimeSpan At, string Kind, int Instance, TimeSpan Downtime)
{
    public string Target => Kind == "redis" ? "redis" : $"{Kind}{Instance + 1}";
}

/// <summary>The kills of a run, drawn from its seed before it starts, so a seed repeats a run's faults.</summary>
public static class KillPlan
{
    /// <summary>
    /// Kills every [min, max] from the start of the load, none later than the convergence limit
    /// (plus 10 s) before its end, so presence can be judged after the last one.
    /// </summary>
    public static IReadOnlyList<PlannedKill> Draw(SoakOptions options, int silos, int edges)
    {
        if (options.KillKinds is ["none"])
        {
            return [];
        }

        var random = new Random(options.Seed);
        var kills = new List<PlannedKill>();
        var latest = options.Duration - options.ConvergenceLimit - TimeSpan.FromSeconds(10);
        var at = Gap(random, options);
        while (at <= latest)
        {
            var kind = options.KillOrder ? options.KillKinds[kills.Count % options.KillKinds.Count] : options.KillKinds[random.Next(options.KillKinds.Count)];
            var instance = kind switch
            {
                "silo" => random.Next(silos),
                "edge" => random.Next(edges),
                _ => 0,
            };
            var downtime = TimeSpan.FromSeconds(1 + (random.NextDouble() * Math.Max(0, options.MaxDowntime.TotalSeconds - 1)));
            kills.Add(new PlannedKill(kills.Count + 1, at, kind, instance, downtime));
            at += Gap(random, options);
        }

        return kills;
    }

    private static TimeSpan Gap(Random random, SoakOptions options) =>
        options.KillEveryMin + ((options.KillEveryMax - options.KillEveryMin) * random.NextDouble());
}
