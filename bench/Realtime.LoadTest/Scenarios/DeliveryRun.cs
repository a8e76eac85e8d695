using System.Diagnostics;
using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Results;
using Realtime.Testing.Metrics;

namespace Realtime.LoadTest.Scenarios;

/// <summary>
/// The measured part of broadcast and notify: connected clients, a paced publisher, then a wait
/// (bounded) for every expected delivery, and the counts and latencies the clients recorded.
/// </summary>
public static class DeliveryRun
{
    public static async Task<ScenarioResult> MeasureAsync(
        string scenario, string target, LoadOptions options, ClientFleet fleet, ConnectReport connect,
        int publishes, Func<long, Task> publish, Func<ClientSpec, long> expectedFor, string? publisher = null)
    {
        var accept = new LatencyHistogram();
        async Task Timed(long seq)
        {
            var started = Stopwatch.GetTimestamp();
            await publish(seq);
            var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            lock (accept)
            {
                accept.Record(micros);
            }
        }

        var clock = Stopwatch.StartNew();
        var published = await Publisher.RunAsync(publishes, options.Rate, Timed, options.Timeout);
        var complete = await fleet.WaitUntilAsync(spec => GroupCondition.TotalReceived(expectedFor(spec)), options.Timeout);
        var elapsed = clock.Elapsed.TotalSeconds;
        if (!complete)
        {
            Console.Error.WriteLine($"{scenario} {target}: not every delivery arrived within {options.Timeout.TotalSeconds} s.");
        }

        var (report, latencies) = await fleet.ReportAsync();
        var expected = fleet.Groups.Sum(g => expectedFor(g.Spec));
        return new ScenarioResult
        {
            Scenario = scenario,
            Target = target,
            Protocol = options.Protocol.ToString().ToLowerInvariant(),
            Clients = options.Clients,
            ClientProcesses = fleet.Groups.Count,
            Connected = connect.Connected,
            Ready = connect.Ready,
            ConnectsPerSecond = connect.Connected / Math.Max(connect.ConnectSeconds, 1e-3),
            Rate = options.Rate,
            Seconds = options.Seconds,
            WarmupSeconds = scenario == "broadcast" ? options.WarmupSeconds : null,
            Published = published.Published - published.Failed,
            Expected = expected,
            Received = report.Received,
            Duplicates = report.Duplicates,
            DeliveriesPerSecond = report.Received / elapsed,
            Latency = latencies.Summarize(),
            Publisher = publisher,
            Workspaces = options.Workspaces,
            Accept = accept.Count > 0 ? accept.Summarize() : null,
            ClientErrors = report.Errors + connect.Failed,
            FirstError = published.FirstError ?? connect.FirstError ?? report.FirstError,
        };
    }

    /// <summary>Connects the fleet and fails loudly when not every client became ready.</summary>
    public static async Task<ConnectReport> ConnectAllAsync(ClientFleet fleet, LoadOptions options)
    {
        var connect = await fleet.ConnectAsync(options.Timeout);
        if (connect.Ready < options.Clients)
        {
            throw new InvalidOperationException($"{connect.Ready} of {options.Clients} clients ready ({connect.Failed} failed); first error: {connect.FirstError}");
        }

        return connect;
    }
}
