using System.Globalization;
using Realtime.Benchmarks;

// dotnet run -c Release --project bench/Realtime.Benchmarks -- presence-latency [updates] [polling-ms,...]
var scenario = args.ElementAtOrDefault(0) ?? "presence-latency";
if (scenario != "presence-latency")
{
    Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: presence-latency");
    return 2;
}

var updates = int.Parse(args.ElementAtOrDefault(1) ?? "300", CultureInfo.InvariantCulture);
var periods = (args.ElementAtOrDefault(2) ?? "10,100").Split(',').Select(ms => TimeSpan.FromMilliseconds(int.Parse(ms, CultureInfo.InvariantCulture)));

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

return 0;
