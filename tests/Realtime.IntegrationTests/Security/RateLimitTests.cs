using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.EdgeGateway.Limits;
using Xunit.Abstractions;

namespace Realtime.IntegrationTests.Security;

/// <summary>Events per second per connection and per user, over real sockets.</summary>
[Trait("Kind", "Integration")]
[Collection(LimitedSystemCollection.Name)]
public sealed class RateLimitTests(LimitedSystemFixture fixture, ITestOutputHelper output)
{
    /// <summary>Generous: the bound says "still served", not "fast"; the measured figures are printed.</summary>
    private static readonly TimeSpan ServedWithin = TimeSpan.FromSeconds(2);

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_flooding_client_gets_rate_limit_errors_while_a_teammate_keeps_its_latency()
    {
        await using var flooder = await fixture.ConnectAsync($"flood-{Guid.NewGuid():N}", _workspaceId);
        await using var quiet = await fixture.ConnectAsync($"quiet-{Guid.NewGuid():N}", _workspaceId);
        using var stop = new CancellationTokenSource();
        var flood = new FloodCounts();
        var floods = Enumerable.Range(0, 4).Select(_ => FloodAsync(flooder.Connection, flood, stop.Token)).ToList();

        // The quiet client pings within its own allowance (about 3 a second) while the flood runs.
        var latencies = new List<double>();
        using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
        for (var i = 0; i < 15 && await cadence.WaitForNextTickAsync(); i++)
        {
            var watch = Stopwatch.StartNew();
            await quiet.Connection.InvokeAsync<JsonElement>("ping").WaitAsync(ServedWithin);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        await stop.CancelAsync();
        await Task.WhenAll(floods);

        latencies.Sort();
        output.WriteLine($"flood: {flood.Attempts} invocations, {flood.Refused} refused ({flood.PerConnection} per connection, {flood.PerUser} per user), {flood.Passed} served");
        output.WriteLine($"quiet client during the flood: {latencies.Count} pings, p50 {Percentile(latencies, 0.5):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms");
        Assert.Equal(15, latencies.Count);
        Assert.True(flood.PerConnection > 0, $"the flood was refused per connection: {flood}");
        Assert.True(flood.Attempts > flood.Passed * 2, $"most of the flood was refused: {flood}");
        Assert.Equal(HubConnectionState.Connected, flooder.Connection.State);

        // Once the flood stops the flooder's bucket fills again: it is limited, not banned.
        await Eventually.UntilAsync(() => TryPingAsync(flooder.Connection), ok => ok, "the flooder is served again");
        Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.RateConnection, "realtime") >= 1);
    }

    [Fact]
    public async Task The_per_user_limit_spans_the_users_connections()
    {
        var userId = $"multi-{Guid.NewGuid():N}";
        var connections = new List<TestClient>();
        try
        {
            for (var i = 0; i < LimitedSystemFixture.MaxConnectionsPerUser; i++)
            {
                connections.Add(await fixture.ConnectAsync(userId, _workspaceId));
            }

            // Each connection stays within its own allowance; together they exceed the user's
            // burst plus at most one refill (3 x 5 = 15 > 8 + 4).
            var refusals = new List<string>();
            for (var round = 0; round < LimitedSystemFixture.EventsPerSecondPerConnection; round++)
            {
                foreach (var client in connections)
                {
                    try
                    {
                        await client.Connection.InvokeAsync<JsonElement>("ping");
                    }
                    catch (HubException ex)
                    {
                        refusals.Add(ex.Message);
                    }
                }
            }

            output.WriteLine($"{refusals.Count} of {connections.Count * LimitedSystemFixture.EventsPerSecondPerConnection} pings refused");
            Assert.NotEmpty(refusals);
            Assert.All(refusals, m => Assert.Contains($"rate limit: {LimitedSystemFixture.EventsPerSecondPerUser} events per second per user", m, StringComparison.Ordinal));
            Assert.All(connections, c => Assert.Equal(HubConnectionState.Connected, c.Connection.State));
            Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.RateUser, "realtime") >= 1);
        }
        finally
        {
            foreach (var client in connections)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task FloodAsync(HubConnection connection, FloodCounts counts, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            counts.Attempt();
            try
            {
                await connection.InvokeAsync<JsonElement>("ping", CancellationToken.None);
                counts.Pass();
            }
            catch (HubException ex)
            {
                counts.Refuse(ex.Message);
            }
        }
    }

    private static async Task<bool> TryPingAsync(HubConnection connection)
    {
        try
        {
            await connection.InvokeAsync<JsonElement>("ping");
            return true;
        }
        catch (HubException)
        {
            return false;
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private sealed class FloodCounts
    {
        private int _attempts;
        private int _passed;
        private int _perConnection;
        private int _perUser;

        public int Attempts => Volatile.Read(ref _attempts);

        public int Passed => Volatile.Read(ref _passed);

        public int PerConnection => Volatile.Read(ref _perConnection);

        public int PerUser => Volatile.Read(ref _perUser);

        public int Refused => PerConnection + PerUser;

        public void Attempt() => Interlocked.Increment(ref _attempts);

        public void Pass() => Interlocked.Increment(ref _passed);

        public void Refuse(string message)
        {
            if (message.Contains("per connection", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _perConnection);
            }
            else if (message.Contains("per user", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _perUser);
            }
            else
            {
                throw new InvalidOperationException($"Unexpected refusal: {message}");
            }
        }

        public override string ToString() => $"{Attempts} attempts, {Passed} passed, {PerConnection} per connection, {PerUser} per user";
    }
}
