using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Realtime.EdgeGateway.Telemetry;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// Refused hub calls (a client's bad input) are counted and logged at Debug, not at Error with a
/// stack trace each as SignalR's dispatcher does: a client sending garbage must not flood the log.
/// The edge's log is captured at its configured levels (Warning and up, Debug for our categories).
/// </summary>
[Trait("Kind", "Integration")]
public sealed class HubErrorLoggingTests : IAsyncLifetime
{
    private const int BadCalls = 40;

    private readonly CapturedLogs _logs = new();
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private RealtimeSystem _system = null!;

    public async Task InitializeAsync() =>
        _system = await RealtimeSystem.StartEmbeddedAsync(
            edgeSettings: new Dictionary<string, string?>
            {
                // Bad input, not the rate limits, is what this test sends.
                ["Edge:Limits:EventsPerSecondPerConnection"] = "1000",
                ["Edge:Limits:EventBurstPerConnection"] = "1000",
                ["Edge:Limits:EventsPerSecondPerUser"] = "1000",
                ["Edge:Limits:EventBurstPerUser"] = "1000",
            },
            configureEdge: edge => edge.Logging
            .AddProvider(_logs)
            .AddFilter<CapturedLogs>("Realtime", LogLevel.Debug));

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Refused_calls_are_counted_and_logged_once_each_at_debug_never_as_errors()
    {
        var token = _system.Tokens.Issue("mallory", [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
        await using var client = await TestClient.ConnectAsync(_system.EdgeUrls[0], token, _workspaceId);
        var tooLong = new string('x', 100_000 / 4);
        for (var i = 0; i < BadCalls; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync("page:navigate", new { page = tooLong }));
        }

        // Still a working connection.
        await client.Connection.InvokeAsync("page:navigate", new { page = "/inbox" });

        using var http = new HttpClient();
        var scrape = await Eventually.UntilAsync(
            () => PrometheusScrape.FetchAsync(http, _system.EdgeUrls[0]),
            s => Refused(s) >= BadCalls,
            "the scrape counts every refused call");
        Assert.Equal(BadCalls, Refused(scrape));

        var lines = _logs.Lines;
        Assert.Equal(BadCalls, lines.Count(l => l.StartsWith("Debug Realtime.EdgeGateway.Telemetry.ConnectionTelemetryHubFilter", StringComparison.Ordinal) && l.Contains("refused", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains(ConnectionTelemetryHubFilter.SignalRDispatcherCategory, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    private static double Refused(PrometheusScrape scrape) =>
        scrape.Samples
            .Where(s => s.Name == "realtime_edge_hub_invocation_errors_total" && s.Labels.GetValueOrDefault("kind") == "refused")
            .Sum(s => s.Value);
}
