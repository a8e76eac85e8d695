using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Scenarios;
using Realtime.LoadTest.Systems;
using Realtime.LoadTest.Wire;
using Xunit.Abstractions;

namespace Realtime.Tests.Benchmarks;

/// <summary>The load test's own system: silo and edge as processes from the build output, as the tool starts them.</summary>
public sealed class LoadTestSystemFixture : IAsyncLifetime
{
    public OrleansSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await OrleansSystem.StartAsync(Path.Combine(Path.GetTempPath(), $"realtime-loadtest-smoke-{Guid.NewGuid():N}"));

    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>
/// CI's small version of the load test (bench/Realtime.LoadTest): a few hundred raw-socket
/// clients for a couple of seconds, so the tool keeps working. It asserts that every delivery
/// arrives exactly once, never how fast: timings on a shared CI machine are not a test.
/// </summary>
public sealed class LoadTestSmokeTests(LoadTestSystemFixture fixture, ITestOutputHelper output) : IClassFixture<LoadTestSystemFixture>
{
    private static LoadOptions Small(WireProtocol protocol) => new()
    {
        Clients = 300,
        Protocol = protocol,
        Rate = 10,
        Seconds = 2,
        Batch = 100,
        Warmup = 1,

        // Far more often than the tool's 15 s, so the clients' pings are on the wire during the run.
        PingSeconds = 0.2,
        Timeout = TimeSpan.FromSeconds(30),
    };

    [Theory]
    [InlineData(WireProtocol.Json)]
    [InlineData(WireProtocol.MessagePack)]
    public async Task Every_broadcast_reaches_every_client_exactly_once(WireProtocol protocol)
    {
        var result = await BroadcastScenario.RunOrleansAsync(Small(protocol), fixture.System);

        AssertExactlyOnce(result);
        Assert.Equal(300L * 20, result.Expected);
    }

    [Fact]
    public async Task Every_broadcast_published_over_http_reaches_every_client_exactly_once()
    {
        var result = await BroadcastScenario.RunOrleansAsync(Small(WireProtocol.Json), fixture.System, publisher: "http");

        AssertExactlyOnce(result);
        Assert.Equal(("http", 20L), (result.Publisher, result.Accept?.Count));
    }

    [Fact]
    public async Task A_timed_warm_up_is_neither_counted_nor_measured()
    {
        var result = await BroadcastScenario.RunOrleansAsync(Small(WireProtocol.Json) with { WarmupSeconds = 1 }, fixture.System, publisher: "http");

        AssertExactlyOnce(result);
        Assert.Equal((300L * 20, 20L, 1.0), (result.Received, result.Accept?.Count, result.WarmupSeconds));
    }

    [Fact]
    public async Task Every_notification_reaches_its_user_exactly_once()
    {
        var result = await NotifyScenario.RunAsync(Small(WireProtocol.Json), fixture.System);

        AssertExactlyOnce(result);
        Assert.Equal(20L * 100, result.Expected);
    }

    private void AssertExactlyOnce(ScenarioResult result)
    {
        output.WriteLine(MarkdownTable.Render([result]));
        Assert.Null(result.FirstError);
        Assert.Equal(0, result.ClientErrors);
        Assert.Equal(result.Expected, result.Received);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicates);
    }
}
