using System.Globalization;
using Realtime.Benchmarks;

// dotnet run -c Release --project bench/Realtime.Benchmarks -- presence-latency [updates] [polling-ms,...]
// dotnet run -c Release --project bench/Realtime.Benchmarks -- workspace-load [users]
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
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: presence-latency, workspace-load");
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
