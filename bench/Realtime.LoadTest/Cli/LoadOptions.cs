using System.Globalization;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Cli;

/// <summary>Parameters of one scenario run, from the command line.</summary>
public sealed record LoadOptions
{
    public int Clients { get; init; } = 100;

    public WireProtocol Protocol { get; init; } = WireProtocol.Json;

    /// <summary>Publishes (broadcasts, or notification rounds) per second.</summary>
    public double Rate { get; init; } = 10;

    public double Seconds { get; init; } = 10;

    /// <summary>notify: users each round of notifications goes to.</summary>
    public int Batch { get; init; } = 100;

    /// <summary>orleans, bare, both (orleans and bare), socketio, all three, or cluster (ours on the local cluster).</summary>
    public string Target { get; init; } = "orleans";

    /// <summary>broadcast on orleans: who publishes, the grain interface, the HTTP API or both (one after the other, each with its own clients).</summary>
    public string Publisher { get; init; } = "grain";

    /// <summary>broadcast over HTTP: concurrent connections the publishers share (the edge's HTTP/1.1 keep-alive pool).</summary>
    public int Publishers { get; init; } = 8;

    /// <summary>broadcast on orleans: workspaces the clients are spread over (user n in workspace n mod W); the publishes go to them in turn.</summary>
    public int Workspaces { get; init; } = 1;

    /// <summary>Client processes; 0 means ceil(N / 15,000).</summary>
    public int ClientProcesses { get; init; }

    public int SourceAddresses { get; init; } = 1;

    /// <summary>Seconds between each client's SignalR pings.</summary>
    public double PingSeconds { get; init; } = 15;

    /// <summary>broadcast: unmeasured broadcasts every client must receive before the measured ones.</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>
    /// broadcast: seconds of unmeasured broadcasts at the measured rate before the measured ones, so
    /// that the processes run the code they run in a steady state (the JIT's optimized tier), not the
    /// first, unoptimized one. 0 (the default) measures from a cold start.
    /// </summary>
    public double WarmupSeconds { get; init; }

    public string OutputDirectory { get; init; } = Path.Combine("artifacts", "bench");

    /// <summary>memory: where to write heap dumps of each .NET process before and after the connections (dotnet-gcdump), and their difference by type; none when null.</summary>
    public string? HeapDumpDirectory { get; init; }

    /// <summary>reconnect: clients that drop their connection during the load and come back with recover=.</summary>
    public int Drop { get; init; } = 1000;

    /// <summary>reconnect: seconds the dropped clients stay away before reconnecting.</summary>
    public double AwaySeconds { get; init; } = 5;

    /// <summary>How long to wait for connections, convergence and the last deliveries.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    public int EffectiveClientProcesses => ClientProcesses > 0 ? ClientProcesses : Math.Max(1, (Clients + 14_999) / 15_000);

    /// <summary>Parses "N [--protocol json|messagepack] [--rate R] [--seconds S] ..." over <paramref name="defaults"/> (a scenario's own N, say).</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args, LoadOptions? defaults = null)
    {
        var options = defaults ?? new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            options = args[i] switch
            {
                "--protocol" => options with { Protocol = Enum.Parse<WireProtocol>(Need(value, args[i++]), ignoreCase: true) },
                "--rate" => options with { Rate = Number(value, args[i++]) },
                "--seconds" => options with { Seconds = Number(value, args[i++]) },
                "--ping-seconds" => options with { PingSeconds = Number(value, args[i++]) },
                "--warmup" => options with { Warmup = (int)Number(value, args[i++]) },
                "--warmup-seconds" => options with { WarmupSeconds = Number(value, args[i++]) },
                "--batch" => options with { Batch = (int)Number(value, args[i++]) },
                "--target" => options with { Target = Need(value, args[i++]) },
                "--publisher" => options with { Publisher = Need(value, args[i++]) },
                "--publishers" => options with { Publishers = (int)Number(value, args[i++]) },
                "--workspaces" => options with { Workspaces = (int)Number(value, args[i++]) },
                "--client-processes" => options with { ClientProcesses = (int)Number(value, args[i++]) },
                "--source-addresses" => options with { SourceAddresses = (int)Number(value, args[i++]) },
                "--out" => options with { OutputDirectory = Need(value, args[i++]) },
                "--gcdump" => options with { HeapDumpDirectory = Need(value, args[i++]) },
                "--drop" => options with { Drop = (int)Number(value, args[i++]) },
                "--away" => options with { AwaySeconds = Number(value, args[i++]) },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(Number(value, args[i++])) },
                var n when int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var clients) => options with { Clients = clients },
                var unknown => throw new ArgumentException($"Unknown option '{unknown}'."),
            };
        }

        if (options.Target is not ("orleans" or "bare" or "both" or "socketio" or "all" or "cluster"))
        {
            throw new ArgumentException("--target is orleans, bare, both (orleans and bare), socketio, all, or cluster (the local cluster: Redis, 2 silos, 2 edges).");
        }

        if (options.Protocol == WireProtocol.SocketIo)
        {
            // The Socket.IO target speaks Socket.IO whatever --protocol says; the others speak SignalR.
            throw new ArgumentException("--protocol is json or messagepack; --target socketio speaks Socket.IO.");
        }

        if (options.Publisher is not ("grain" or "http" or "both") || options.Publishers < 1)
        {
            throw new ArgumentException("--publisher is grain, http or both; --publishers at least 1.");
        }

        if (options.Workspaces < 1 || options.Workspaces > options.Clients)
        {
            throw new ArgumentException("--workspaces is between 1 and N.");
        }

        if (options.Clients < 1 || options.Rate <= 0 || options.Seconds <= 0 || options.WarmupSeconds < 0)
        {
            throw new ArgumentException("N, --rate and --seconds must be positive, --warmup-seconds not negative.");
        }

        return options;
    }

    /// <summary>What the reconnect scenario needs besides the common checks.</summary>
    public LoadOptions ForReconnect()
    {
        if (Target is not ("orleans" or "cluster") || Protocol != WireProtocol.Json || Publisher == "both")
        {
            throw new ArgumentException("reconnect runs on --target orleans or cluster, over --protocol json, with --publisher grain or http.");
        }

        // Below the default recovery window (Recovery:Window, 2 min) with room for the reconnects themselves.
        // One client per workspace stays to tell the workspace's order, and at least one more for the latencies.
        if (Drop < 1 || Drop > Clients - Workspaces - 1 || AwaySeconds < 0 || AwaySeconds > 100)
        {
            throw new ArgumentException("--drop is between 1 and N-W-1 (W: --workspaces), --away between 0 and 100 seconds.");
        }

        if (Rate * Seconds < 2)
        {
            throw new ArgumentException("reconnect needs at least 2 broadcasts (--rate x --seconds): the drop comes with one after the first.");
        }

        return this;
    }

    private static string Need(string? value, string option) => value ?? throw new ArgumentException($"{option} needs a value.");

    private static double Number(string? value, string option) => double.Parse(Need(value, option), CultureInfo.InvariantCulture);
}
