using System.Globalization;
using Realtime.Benchmarks;

// dotnet run -c Release --project bench/Realtime.Benchmarks -- presence-latency [updates] [polling-ms,...]
// dotnet run -c Release --project bench/Realtime.Benchmarks -- workspace-load [users]
// dotnet run -c Release --project bench/Realtime.Benchmarks -- notification-storage [kept,...] [ops]
// dotnet run -c Release --project bench/Realtime.Benchmarks -- cluster-stats [edges,...] [warmup-seconds] [measure-seconds]
var scenario = args.ElementAtOrDefault(0) ?? "presence-latency";
switch (scenario)
{
    case "presence-latency":
        await RunPresenceLatencyAsync(
            int.Parse(args.ElementAtOrDefault(1) ?? "300", CultureInfo.InvariantCulture),
            (args.ElementAtOrDefault(2) ?? "10,100").Split(',').Select(ms => TimeSpan.FromMilliseconds(int.Parse(ms, CultureInfo.InvariantCulture))));
        return 0;
    case "workspace-load":
        var users = int.Parse(args.ElementAtOrDefault(1) ?? "10000", CultureInfo.InvariantCulture);
        Console.WriteLine($"workspace-load: grain calls taken by one workspace grain with {users} users (embedded default)");
        Console.WriteLine();
        Console.WriteLine("| phase | duration | workspace grain calls | calls/s |");
        Console.WriteLine("|---|---|---|---|");
        await WorkspaceLoadBenchmark.RunAsync(users);
        return 0;
    case "notification-storage":
        await RunNotificationStorageAsync(
            (args.ElementAtOrDefault(1) ?? "10,1000,10000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)),
            int.Parse(args.ElementAtOrDefault(2) ?? "200", CultureInfo.InvariantCulture));
        return 0;
    case "cluster-stats":
        await RunClusterStatsAsync(
            (args.ElementAtOrDefault(1) ?? "5,50").Split(',').Select(e => int.Parse(e, CultureInfo.InvariantCulture)).ToList(),
            new ClusterStatsBenchmark.Load(
                Warmup: TimeSpan.FromSeconds(int.Parse(args.ElementAtOrDefault(2) ?? "15", CultureInfo.InvariantCulture)),
                Measure: TimeSpan.FromSeconds(int.Parse(args.ElementAtOrDefault(3) ?? "30", CultureInfo.InvariantCulture))));
        return 0;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: presence-latency, workspace-load, notification-storage, cluster-stats");
        return 2;
}

static async Task RunPresenceLatencyAsync(int updates, IEnumerable<TimeSpan> periods)
{
    Console.WriteLine($"presence-latency: {updates} sequential page changes, client -> edge -> grains -> stream -> edge -> client, embedded default");
    Console.WriteLine();
    Console.WriteLine("| stream polling period | samples | p50 ms | p95 ms | p99 ms | max ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var period in periods)
    {
        var result = await PresenceLatencyBenchmark.RunAsync(period, updates, warmup: 30);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {period.TotalMilliseconds} ms | {result.Count} | {result.P50:F1} | {result.P95:F1} | {result.P99:F1} | {result.Max:F1} |"));
    }
}

static async Task RunNotificationStorageAsync(IEnumerable<int> keptSizes, int ops)
{
    Console.WriteLine($"notification-storage: {ops} operations each, one silo on a local redis-server, N notifications kept for the user");
    Console.WriteLine();
    Console.WriteLine("| storage | kept | operation | ops | mean ms | p50 ms | p99 ms | bytes to Redis per op |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var kept in keptSizes)
    {
        foreach (var row in await NotificationStorageBenchmark.RunAsync(kept, ops))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Storage} | {row.Kept:N0} | {row.Operation} | {row.Ops} | {row.MeanMs:F2} | {row.P50Ms:F2} | {row.P99Ms:F2} | {row.BytesPerOp:N0} |"));
        }
    }
}

static async Task RunClusterStatsAsync(IReadOnlyList<int> edgeCounts, ClusterStatsBenchmark.Load load)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"cluster-stats: calls into the cluster stats grain, 2 silos; per edge {load.ConnectionsPerEdge} connections, {load.WorkspacesPerEdge} workspaces, {load.ConnectionChangesPerEdgePerSecond} connection changes/s, {load.BroadcastsPerEdgePerSecond} broadcasts/s, lease renewed every {ClusterStatsBenchmark.Load.LeaseRenewInterval.TotalSeconds} s; {load.Measure.TotalSeconds} s measured after {load.Warmup.TotalSeconds} s"));

    // The reference sends every report on at once, one call each, as the grain was fed before roll-ups.
    (string Mode, string Interval)[] modes = [("direct", "00:00:00"), ("rolled up", "00:00:01")];
    var results = new List<ClusterStatsBenchmark.Result>();
    foreach (var edges in edgeCounts)
    {
        foreach (var (mode, interval) in modes)
        {
            results.Add(await ClusterStatsBenchmark.RunAsync(mode, edges, load, new Dictionary<string, string?> { ["Stats:RollupInterval"] = interval }));
        }
    }

    Console.WriteLine();
    Console.WriteLine("| edges | workspaces | connections | cluster stats grain calls/s, direct (reference) | cluster stats grain calls/s, rolled up (1 s) |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var run in results.GroupBy(r => r.Edges))
    {
        var direct = run.Single(r => r.Mode == "direct");
        var rolled = run.Single(r => r.Mode == "rolled up");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {run.Key} | {direct.Workspaces} | {direct.Connections} / {rolled.Connections} | {direct.StatsGrainCallsPerSecond:F1} | {rolled.StatsGrainCallsPerSecond:F1} |"));
    }

    Console.WriteLine();
    Console.WriteLine("| edges | mode | renewals/s | connection changes/s | broadcasts/s | cluster stats grain calls/s | by method (calls/s) | stats right after |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        var seconds = r.Measured.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Edges} | {r.Mode} | {r.Renewals / seconds:F1} | {r.ConnectionChanges / seconds:F1} | {r.Broadcasts / seconds:F1} | {r.StatsGrainCallsPerSecond:F1} | {r.Breakdown} | {r.StatsSettledAfter.TotalSeconds:F1} s |"));
    }
}
