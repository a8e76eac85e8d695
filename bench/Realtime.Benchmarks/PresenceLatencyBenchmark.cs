using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Testing;

namespace Realtime.Benchmarks;

/// <summary>
/// Round trip of one presence change through the whole path, one change in flight at a time:
/// bob's client invokes page:navigate -> edge -> UserPresenceGrain -> WorkspaceGrain -> stream
/// edge/{id} -> edge -> alice's client receives presence:update. Run for each stream polling
/// period to show what the pulling agent's period costs.
/// </summary>
public static class PresenceLatencyBenchmark
{
    public static async Task<LatencySummary> RunAsync(TimeSpan pollingPeriod, int updates, int warmup)
    {
        await using var system = await RealtimeSystem.StartEmbeddedAsync(siloSettings: new Dictionary<string, string?>
        {
            ["Silo:StreamPollingPeriod"] = pollingPeriod.ToString("c", CultureInfo.InvariantCulture),
        });
        const string workspace = "bench";
        await using var alice = await TestClient.ConnectAsync(system.EdgeUrls[0], system.Tokens.Issue("alice", [workspace], [], TimeSpan.FromHours(1)), workspace);
        await using var bob = await TestClient.ConnectAsync(system.EdgeUrls[0], system.Tokens.Issue("bob", [workspace], [], TimeSpan.FromHours(1)), workspace);
        await alice.WaitForPresenceAsync("bob", "online");

        var samples = new List<double>(updates);
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        for (var i = 0; i < warmup + updates; i++)
        {
            var page = $"/page/{i}";
            var seen = alice.Events.WaitForAsync(e => e.Name == "presence:update" && PageOf(e.Payload) == page, page, TimeSpan.FromSeconds(10));
            var clock = Stopwatch.StartNew();
            await bob.Connection.InvokeAsync("page:navigate", new { page }, overall.Token);
            await seen;
            if (i >= warmup)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return LatencySummary.From(samples);
    }

    private static string? PageOf(JsonElement update) =>
        update.GetProperty("users")[0].TryGetProperty("currentPage", out var page) ? page.GetString() : null;
}

public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencySummary From(List<double> samples)
    {
        samples.Sort();
        double At(double q) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)];
        return new LatencySummary(samples.Count, At(0.50), At(0.95), At(0.99), samples[^1]);
    }
}
