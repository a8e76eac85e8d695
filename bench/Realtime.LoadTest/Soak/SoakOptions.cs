using System.Globalization;

namespace Realtime.LoadTest.Soak;

/// <summary>What a soak run does: its load, its faults, its pass criteria. Defaults are the 10-minute soak of docs/reliability.md.</summary>
public sealed record SoakOptions
{
    /// <summary>How long load runs (and kills happen), from the end of the warm-up.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Connections in all (at least): each user holds /realtime and /notifications, every 4th also /presence, every 10th a second /notifications tab.</summary>
    public int Clients { get; init; } = 2000;

    public int Workspaces { get; init; } = 4;

    /// <summary>Seed of every random choice of the run (kills, who does what); printed so a run can be repeated.</summary>
    public int Seed { get; init; } = Environment.TickCount & 0x7FFFFFFF;

    /// <summary>Time between two kills: uniform in [KillEveryMin, KillEveryMax].</summary>
    public TimeSpan KillEveryMin { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan KillEveryMax { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a killed process stays down before it is started again: uniform in [1 s, this].</summary>
    public TimeSpan MaxDowntime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>What may be killed, chosen at random in turn: silo, edge, redis. A fixed order (e.g. for CI) is given with <see cref="KillOrder"/>.</summary>
    public IReadOnlyList<string> KillKinds { get; init; } = ["silo", "edge", "redis"];

    /// <summary>When true, kills take <see cref="KillKinds"/> in order (cycling) instead of at random.</summary>
    public bool KillOrder { get; init; }

    /// <summary>Presence must match the truth within this time of the last kill.</summary>
    public TimeSpan ConvergenceLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Publishes per second: notifications over HTTP, through the grain interface, workspace broadcasts.</summary>
    public double HttpNotificationsPerSecond { get; init; } = 5;

    public double GrainNotificationsPerSecond { get; init; } = 5;

    public double BroadcastsPerSecond { get; init; } = 2;

    /// <summary>page:navigate and presence:status changes per second, over all clients.</summary>
    public double NavigationsPerSecond { get; init; } = 10;

    public double StatusChangesPerSecond { get; init; } = 2;

    /// <summary>Users per minute (fraction of all) who close the app and come back 10-60 s later on an edge chosen at random.</summary>
    public double ChurnPerMinute { get; init; } = 0.02;

    /// <summary>Share of a killed edge's users who do not come back at once (they return with the churn, or never after the last kill).</summary>
    public double GiveUpOnEdgeKill { get; init; } = 0.05;

    /// <summary>A delivery is due to a connection that was open from before the send until this long after it returned.</summary>
    public TimeSpan DeliveryGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After a kill, how long after every process is ready again deliveries still count as "in the kill window".</summary>
    public TimeSpan KillWindowTail { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after its start (or after the warm-up) a process's memory is taken as its baseline.</summary>
    public TimeSpan MemoryWarmup { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan MemorySampleEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Leak bound: the last RSS sample of a process may exceed its baseline by this fraction or by <see cref="MemoryGrowthMb"/>, whichever is larger.</summary>
    public double MemoryGrowthFraction { get; init; } = 0.5;

    public double MemoryGrowthMb { get; init; } = 128;

    /// <summary>
    /// An edge that holds more connections than at its baseline (it took a killed edge's clients)
    /// may hold this much more per extra connection at its peak: RSS follows the most connections
    /// held, the GC does not hand it back at once. About three times an idle connection's cost.
    /// </summary>
    public double MemoryPerConnectionKb { get; init; } = 150;

    /// <summary>Edge lease settings: shorter than production's 30 s so a killed edge's connections go well within the convergence limit.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Redis' appendfsync, as deploy/local/cluster.sh (everysec) unless told otherwise.</summary>
    public string RedisAppendFsync { get; init; } = "everysec";

    /// <summary>First of the cluster's fixed loopback ports (see FaultClusterOptions.BasePort); away from cluster.sh's defaults and the test Redis.</summary>
    public int BasePort { get; init; } = 17300;

    public string OutputDirectory { get; init; } = Path.Combine("artifacts", "soak");

    /// <summary>Progress lines while the soak runs (off in the test suite, which prints the report).</summary>
    public TextWriter? Progress { get; init; } = Console.Out;

    /// <summary>Bounds each wait of the run (connects, recovery, the final drain).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Only print the kill plan the seed gives, and exit.</summary>
    public bool PlanOnly { get; init; }

    public int Users => Math.Max(Workspaces, (int)Math.Ceiling(Clients / (2 + 0.25 + 0.1)));

    /// <summary>Parses "soak [--minutes M] [--clients N] [--seed S] ..." (see Program.cs).</summary>
    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            options = args[i] switch
            {
                "--minutes" => options with { Duration = TimeSpan.FromMinutes(Number(value, args[i++])) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Number(value, args[i++])) },
                "--clients" => options with { Clients = (int)Number(value, args[i++]) },
                "--workspaces" => options with { Workspaces = (int)Number(value, args[i++]) },
                "--seed" => options with { Seed = (int)Number(value, args[i++]) },
                "--kill-every" => WithKillEvery(options, Need(value, args[i++])),
                "--max-downtime" => options with { MaxDowntime = TimeSpan.FromSeconds(Number(value, args[i++])) },
                "--kill" => options with { KillKinds = Kinds(Need(value, args[i++])) },
                "--kill-in-order" => options with { KillOrder = true },
                "--plan" => options with { PlanOnly = true },
                "--http-notifications" => options with { HttpNotificationsPerSecond = Number(value, args[i++]) },
                "--grain-notifications" => options with { GrainNotificationsPerSecond = Number(value, args[i++]) },
                "--broadcasts" => options with { BroadcastsPerSecond = Number(value, args[i++]) },
                "--navigations" => options with { NavigationsPerSecond = Number(value, args[i++]) },
                "--status-changes" => options with { StatusChangesPerSecond = Number(value, args[i++]) },
                "--give-up" => options with { GiveUpOnEdgeKill = Number(value, args[i++]) },
                "--churn" => options with { ChurnPerMinute = Number(value, args[i++]) },
                "--delivery-grace" => options with { DeliveryGrace = TimeSpan.FromSeconds(Number(value, args[i++])) },
                "--convergence-limit" => options with { ConvergenceLimit = TimeSpan.FromSeconds(Number(value, args[i++])) },
                "--lease" => options with { LeaseDuration = TimeSpan.FromSeconds(Number(value, args[i++])) },
                "--lease-renew" => options with { LeaseRenewInterval = TimeSpan.FromSeconds(Number(value, args[i++])) },
                "--redis-fsync" => options with { RedisAppendFsync = Need(value, args[i++]) },
                "--memory-growth" => WithMemoryGrowth(options, Need(value, args[i++])),
                "--memory-per-connection" => options with { MemoryPerConnectionKb = Number(value, args[i++]) },
                "--base-port" => options with { BasePort = (int)Number(value, args[i++]) },
                "--out" => options with { OutputDirectory = Need(value, args[i++]) },
                var unknown => throw new ArgumentException($"Unknown soak option '{unknown}'."),
            };
        }

        return options.Validated();
    }

    public SoakOptions Validated()
    {
        if (Duration <= TimeSpan.Zero || Clients < 10 || Workspaces < 1 || KillEveryMin <= TimeSpan.Zero || KillEveryMax < KillEveryMin)
        {
            throw new ArgumentException("--minutes, --clients (at least 10), --workspaces and --kill-every must be positive, kill-every min <= max.");
        }

        if (KillKinds.Count == 0 || (KillKinds is not ["none"] && KillKinds.Any(k => k is not ("silo" or "edge" or "redis"))))
        {
            throw new ArgumentException("--kill takes a comma-separated list of silo, edge, redis (or none).");
        }

        if (RedisAppendFsync is not ("always" or "everysec" or "no"))
        {
            throw new ArgumentException("--redis-fsync is always, everysec or no.");
        }

        if (BasePort is < 1024 or > 32000)
        {
            throw new ArgumentException("--base-port must be between 1024 and 32000 (below the ephemeral port range).");
        }

        return this;
    }

    private static SoakOptions WithKillEvery(SoakOptions options, string range)
    {
        var parts = range.Split('-');
        var min = double.Parse(parts[0], CultureInfo.InvariantCulture);
        var max = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : min;
        return options with { KillEveryMin = TimeSpan.FromSeconds(min), KillEveryMax = TimeSpan.FromSeconds(max) };
    }

    private static SoakOptions WithMemoryGrowth(SoakOptions options, string bound)
    {
        // "50%,128" : 50 % or 128 MB, whichever is larger.
        var parts = bound.Split(',');
        return options with
        {
            MemoryGrowthFraction = double.Parse(parts[0].TrimEnd('%'), CultureInfo.InvariantCulture) / 100,
            MemoryGrowthMb = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : options.MemoryGrowthMb,
        };
    }

    private static IReadOnlyList<string> Kinds(string list) =>
        list == "none" ? ["none"] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Need(string? value, string option) => value ?? throw new ArgumentException($"{option} needs a value.");

    private static double Number(string? value, string option) => double.Parse(Need(value, option), CultureInfo.InvariantCulture);
}
