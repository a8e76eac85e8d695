using System.Text.Json;
using Realtime.Testing.Wire;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Benchmarks;

/// <summary>
/// CI's small version of the load test (bench/Realtime.LoadTest): a few hundred raw-socket
/// clients for a couple of seconds, so the tool keeps working. Each test runs the tool as a user
/// does, as its own process from the build output (it starts silo and edge processes itself), and
/// reads its exit code and result file. It asserts that every delivery arrives exactly once, never
/// how fast: timings on a shared CI machine are not a test.
/// </summary>
[Trait("Kind", "System")]
public sealed class LoadTestSmokeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(5);

    /// <summary>300 clients, 10 publishes a second for 2 s, rounds of 100 notifications, 1 warm-up broadcast.</summary>
    private static List<string> Small(string scenario, WireProtocol protocol) =>
    [
        scenario, "300",
        "--protocol", protocol == WireProtocol.MessagePack ? "messagepack" : "json",
        "--rate", "10",
        "--seconds", "2",
        "--batch", "100",
        "--warmup", "1",

        // Far more often than the tool's 15 s, so the clients' pings are on the wire during the run.
        "--ping-seconds", "0.2",
        "--timeout", "30",
    ];

    [Theory]
    [InlineData(WireProtocol.Json)]
    [InlineData(WireProtocol.MessagePack)]
    public async Task Every_broadcast_reaches_every_client_exactly_once(WireProtocol protocol)
    {
        var result = await RunAsync(Small("broadcast", protocol));

        AssertExactlyOnce(result);
        Assert.Equal(300L * 20, Long(result, "expected"));
    }

    [Fact]
    public async Task Every_broadcast_published_over_http_reaches_every_client_exactly_once()
    {
        var result = await RunAsync([.. Small("broadcast", WireProtocol.Json), "--publisher", "http"]);

        AssertExactlyOnce(result);
        Assert.Equal(("http", 20L), (result.GetProperty("publisher").GetString(), Long(result.GetProperty("accept"), "count")));
    }

    /// <summary>
    /// The Socket.IO reference (bench/socketio-server, Node.js): the same broadcasts to one room, and
    /// with --ping-seconds 0.2 the server pings every 0.2 s and drops a client that does not pong within 2 s.
    /// </summary>
    [Fact]
    public async Task Every_broadcast_on_the_socket_io_target_reaches_every_client_exactly_once()
    {
        var result = await RunAsync([.. Small("broadcast", WireProtocol.Json), "--target", "socketio"]);

        AssertExactlyOnce(result);
        Assert.Equal(("socketio", 300L * 20), (result.GetProperty("target").GetString(), Long(result, "expected")));
    }

    /// <summary>The local cluster (its own Redis, two silos, two edges): clients split over both edges, every broadcast crosses the cluster.</summary>
    [Fact]
    public async Task Every_broadcast_on_the_local_cluster_reaches_every_client_exactly_once()
    {
        var result = await RunAsync([.. Small("broadcast", WireProtocol.Json), "--target", "cluster"]);

        AssertExactlyOnce(result);
        Assert.Equal(("cluster", 300L * 20), (result.GetProperty("target").GetString(), Long(result, "expected")));
    }

    [Fact]
    public async Task A_timed_warm_up_is_neither_counted_nor_measured()
    {
        var result = await RunAsync([.. Small("broadcast", WireProtocol.Json), "--warmup-seconds", "1", "--publisher", "http"]);

        AssertExactlyOnce(result);
        Assert.Equal(
            (300L * 20, 20L, 1.0),
            (Long(result, "received"), Long(result.GetProperty("accept"), "count"), result.GetProperty("warmupSeconds").GetDouble()));
    }

    [Fact]
    public async Task Every_notification_reaches_its_user_exactly_once()
    {
        var result = await RunAsync(Small("notify", WireProtocol.Json));

        AssertExactlyOnce(result);
        Assert.Equal(20L * 100, Long(result, "expected"));
    }

    /// <summary>
    /// Runs `dotnet Realtime.LoadTest.dll &lt;arguments&gt; --out &lt;new directory&gt;` and gives back the one run
    /// of its result file (bench/Realtime.LoadTest/Results/ResultFiles.cs: an array of runs).
    /// </summary>
    private async Task<JsonElement> RunAsync(List<string> arguments)
    {
        var directory = Directory.CreateTempSubdirectory("realtime-loadtest-smoke-").FullName;
        await using var tool = HostProcess.RunTool("bench/Realtime.LoadTest", "Realtime.LoadTest.dll", [.. arguments, "--out", directory]);
        var exitCode = await tool.WaitForExitAsync(ToolTimeout);
        output.WriteLine($"dotnet Realtime.LoadTest.dll {string.Join(' ', arguments)} --out {directory}");
        output.WriteLine(tool.Output);

        // The tool exits with 1 when a delivery was lost or duplicated or a client failed, 2 on a bad command line.
        Assert.True(exitCode == 0, $"the load test exited with {exitCode}");
        var file = Assert.Single(Directory.GetFiles(directory, "*.json"));
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return Assert.Single(json.RootElement.EnumerateArray()).Clone();
    }

    private static void AssertExactlyOnce(JsonElement result)
    {
        // Null values are left out of the file: no firstError is no error.
        Assert.Null(result.TryGetProperty("firstError", out var error) ? error.GetString() : null);
        Assert.Equal(0, result.GetProperty("clientErrors").GetInt32());
        Assert.Equal(Long(result, "expected"), Long(result, "received"));
        Assert.Equal(0, Long(result, "lost"));
        Assert.Equal(0, Long(result, "duplicates"));
    }

    private static long Long(JsonElement element, string property) => element.GetProperty(property).GetInt64();
}
