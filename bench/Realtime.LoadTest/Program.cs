using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Scenarios;
using Realtime.LoadTest.Soak;
using Realtime.LoadTest.Systems;

// The load benchmark (docs/benchmarks.md). Build first: dotnet build Realtime.Orleans.sln -c Release
// Each scenario starts the silo, the edge (and the bare hub) from the Release build output, runs,
// stops them, writes artifacts/bench/<scenario>-<timestamp>.json and prints a markdown table.
//
// dotnet run -c Release --project bench/Realtime.LoadTest -- connect-storm N [--protocol json|messagepack]
// dotnet run -c Release --project bench/Realtime.LoadTest -- broadcast N --rate R --seconds S [--target orleans|bare|both|socketio|all|cluster] [--protocol ...]
//   --target: our system, the bare SignalR hub (bench/Realtime.BareHub), both, the Socket.IO 4.8 server
//   (bench/socketio-server, Node.js; npm ci on first use; its clients speak Socket.IO, --protocol aside), all three,
//   or ours on the local cluster (its own Redis, 2 silos, 2 edges; user n on edge n mod 2; also for connect-storm and notify)
//   [--publisher grain|http|both] [--publishers K]: broadcasts through the grain interface, the HTTP API (K keep-alive connections), or both in turn
//   [--workspaces W]: the clients spread over W workspaces (user n in workspace n mod W), the broadcasts to each in turn
// dotnet run -c Release --project bench/Realtime.LoadTest -- reconnect N --drop D --rate R --seconds S [--away A] [--target orleans|cluster] [--publisher grain|http] [--workspaces W]
//   N on /realtime (default 10,000) under the broadcast load; D of them (default 1,000) drop at once mid-load, stay away A s
//   (default 5), come back on the next edge with recover=; a baseline run without drops first (JSON only)
// dotnet run -c Release --project bench/Realtime.LoadTest -- notify N --rate R --seconds S [--batch B] [--protocol ...]
// dotnet run -c Release --project bench/Realtime.LoadTest -- memory N [--target orleans|bare|both|socketio|all] [--gcdump DIR]
// dotnet run -c Release --project bench/Realtime.LoadTest -- chart docs/img/broadcast-latency.png artifacts/bench/broadcast-*.json
// dotnet run -c Release --project bench/Realtime.LoadTest -- soak [--minutes 10] [--clients 2000] [--seed S] [--kill-every 30-90] ...
//   (deploy/local/soak.sh; options in Soak/SoakOptions.cs and docs/reliability.md; exit code 1 when a criterion fails)
//
// Common options: --client-processes K (default ceil(N/15000); one process holds ~19,900 sockets
// at most here), --source-addresses M (spread clients over 127.0.0.2..; default 1), --timeout s
// (each wait; default 120), --out dir (default artifacts/bench), --warmup W (broadcast: unmeasured
// broadcasts every client receives first; default 3), --warmup-seconds S (broadcast: S seconds of
// unmeasured broadcasts at the measured rate first, to measure a warm process; default 0), --ping-seconds P (each client's SignalR
// ping, and the Socket.IO server's ping interval; default 15). notify reports rate as notifications/s (R x B).
// Loopback targets only; results are preliminary on a 2-core machine shared with the load generator.
// `worker` is the mode the parent starts its client processes in; not for direct use.
var command = args.ElementAtOrDefault(0) ?? "";
try
{
    return command switch
    {
        "worker" => await WorkerHost.RunAsync(Console.In, Console.Out),
        "chart" => Chart(args.Skip(1).ToList()),
        "soak" => await SoakAsync(SoakOptions.Parse(args.Skip(1).ToList())),
        "connect-storm" or "broadcast" or "notify" or "memory" => await RunAsync(command, LoadOptions.Parse(args.Skip(1).ToList())),
        "reconnect" => await ReconnectAsync(LoadOptions.Parse(args.Skip(1).ToList(), new LoadOptions { Clients = 10_000 }).ForReconnect()),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return Usage();
}

static async Task<int> RunAsync(string scenario, LoadOptions options)
{
    var results = new List<ScenarioResult>();
    if (scenario == "memory" && options.Target == "cluster")
    {
        throw new ArgumentException("memory measures the embedded default's processes; --target cluster is for broadcast, connect-storm and notify.");
    }

    var orleans = options.Target is "orleans" or "both" or "all" or "cluster" || scenario is "connect-storm" or "notify";
    var logs = Path.Combine(options.OutputDirectory, "logs");
    var bare = options.Target is "bare" or "both" or "all" && scenario is "broadcast" or "memory";
    var socketIo = options.Target is "socketio" or "all" && scenario is "broadcast" or "memory";
    await using (var socketIoServer = socketIo ? await ReferenceSystem.StartSocketIoAsync(TimeSpan.FromSeconds(options.PingSeconds)) : null)
    await using (var bareHub = bare ? await ReferenceSystem.StartBareHubAsync() : null)
    await using (var system = !orleans ? null
        : options.Target == "cluster" ? await OrleansSystem.StartClusterAsync(logs)
        : await OrleansSystem.StartAsync(logs))
    {
        if (system is not null && scenario == "broadcast")
        {
            foreach (var publisher in options.Publisher == "both" ? ["grain", "http"] : new[] { options.Publisher })
            {
                results.Add(await BroadcastScenario.RunOrleansAsync(options, system, publisher));
            }
        }
        else if (system is not null)
        {
            results.Add(scenario switch
            {
                "connect-storm" => await ConnectStormScenario.RunAsync(options, system),
                "notify" => await NotifyScenario.RunAsync(options, system),
                _ => await MemoryScenario.RunOrleansAsync(options, system),
            });
        }

        foreach (var reference in new[] { bareHub, socketIoServer }.OfType<ReferenceSystem>())
        {
            results.Add(scenario == "broadcast"
                ? await BroadcastScenario.RunReferenceAsync(options, reference)
                : await MemoryScenario.RunReferenceAsync(options, reference));
        }
    }

    return Report(options, scenario, results);
}

static async Task<int> ReconnectAsync(LoadOptions options)
{
    var logs = Path.Combine(options.OutputDirectory, "logs");
    var siloSettings = ReconnectScenario.SiloSettings(options);
    IReadOnlyList<ScenarioResult> results;
    await using (var system = options.Target == "cluster"
        ? await OrleansSystem.StartClusterAsync(logs, siloSettings)
        : await OrleansSystem.StartAsync(logs, siloSettings))
    {
        results = await ReconnectScenario.RunAsync(options, system).WaitAsync(ReconnectScenario.GlobalTimeout(options));
    }

    return Report(options, "reconnect", results);
}

static int Report(LoadOptions options, string scenario, IReadOnlyList<ScenarioResult> results)
{
    var path = ResultFiles.Write(options.OutputDirectory, scenario, results);
    Console.WriteLine(MarkdownTable.Render(results));
    Console.WriteLine($"results: {path}");
    return results.All(r => r.Lost is null or 0 && r.Duplicates is null or 0 && r.FirstError is null
        && r.DroppedLost is null or 0 && r.DroppedDuplicates is null or 0 && r.DroppedOutOfOrder is null or 0
        && (r.Dropped is null or 0 || r.RecoveredClients == r.Dropped)) ? 0 : 1;
}

static async Task<int> SoakAsync(SoakOptions options)
{
    if (options.PlanOnly)
    {
        Console.WriteLine(string.Join(Environment.NewLine, KillPlan.Draw(options, silos: 2, edges: 2).Select(k => FormattableString.Invariant(
            $"{k.Number}: {k.Target} at {k.At.TotalSeconds:F0} s, down {k.Downtime.TotalSeconds:F1} s"))));
        return 0;
    }

    var report = await SoakScenario.RunAsync(options);
    Console.WriteLine(SoakResultFiles.Render(report));
    return report.Passed ? 0 : 1;
}

static int Chart(IReadOnlyList<string> args)
{
    if (args.Count < 2)
    {
        return Usage();
    }

    LatencyChart.Render(args.Skip(1).SelectMany(ResultFiles.Read), args[0]);
    Console.WriteLine($"chart: {args[0]}");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("Usage: connect-storm|broadcast|notify|memory|reconnect N [options], soak [options], or chart <png> <result.json>... (see the top of Program.cs)");
    return 2;
}
