using System.Text.Json;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Benchmarks;

/// <summary>
/// CI's small version of the load test's reconnect scenario (bench/Realtime.LoadTest): 200 raw-socket
/// clients on /realtime under 10 broadcasts a second, 20 of them dropping their sockets in the
/// middle, away 2 s, back with <c>recover=</c>. The tool runs as its own process, as a user runs it;
/// the test reads its exit code and result file and asserts that every dropped client recovered
/// and got every broadcast once, in order. Never timings.
/// </summary>
[Trait("Kind", "System")]
public sealed class ReconnectLoadTestSmokeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Every_dropped_client_recovers_every_broadcast_once_and_in_order()
    {
        var directory = Directory.CreateTempSubdirectory("realtime-loadtest-reconnect-").FullName;
        string[] arguments =
        [
            "reconnect", "200", "--drop", "20", "--rate", "10", "--seconds", "5", "--away", "2",
            "--warmup", "1", "--ping-seconds", "0.2", "--timeout", "30", "--out", directory,
        ];
        await using var tool = HostProcess.RunTool("bench/Realtime.LoadTest", "Realtime.LoadTest.dll", arguments);
        var exitCode = await tool.WaitForExitAsync(ToolTimeout);
        output.WriteLine($"dotnet Realtime.LoadTest.dll {string.Join(' ', arguments)}");
        output.WriteLine(tool.Output);

        // The tool exits with 1 when a delivery was lost, duplicated or out of order, a dropped client did not recover, or a client failed.
        Assert.True(exitCode == 0, $"the load test exited with {exitCode}");
        using var json = JsonDocument.Parse(File.ReadAllText(Assert.Single(Directory.GetFiles(directory, "*.json"))));
        var runs = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([0, 20], runs.Select(r => r.GetProperty("dropped").GetInt32()));
        foreach (var run in runs)
        {
            // Null values are left out of the file: no firstError is no error.
            Assert.False(run.TryGetProperty("firstError", out var error), error.ToString());
            Assert.Equal((0, 0L, 0L), (run.GetProperty("clientErrors").GetInt32(), Long(run, "lost"), Long(run, "duplicates")));
            Assert.Equal(Long(run, "expected"), Long(run, "received"));
        }

        var dropped = runs[1];
        Assert.Equal(
            (20, 20L * 50, 0L, 0L, 0L),
            (dropped.GetProperty("recoveredClients").GetInt32(), Long(dropped, "droppedReceived"), Long(dropped, "droppedLost"), Long(dropped, "droppedDuplicates"), Long(dropped, "droppedOutOfOrder")));

        // Broadcasts went on while they were away: what they missed came as a replay.
        Assert.True(dropped.GetProperty("replayedMean").GetDouble() > 0, "no dropped client missed a broadcast");
        Assert.Equal(20, dropped.GetProperty("recoveryTime").GetProperty("count").GetInt64());
    }

    private static long Long(JsonElement element, string property) => element.GetProperty(property).GetInt64();
}
