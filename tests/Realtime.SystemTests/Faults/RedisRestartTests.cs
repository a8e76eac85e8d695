using System.Diagnostics;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// Redis dies (SIGKILL) and comes back on the same port with its append-only file: the cluster
/// recovers by itself, and nothing accepted before or after is lost.
/// </summary>
[Trait("Kind", "System")]
public sealed class RedisRestartTests(ITestOutputHelper output)
{
    private const int Batch = 10;

    [Fact]
    public async Task The_cluster_recovers_from_a_redis_restart_by_itself()
    {
        await using var cluster = await FaultCluster.StartAsync();
        await using var bob = new FailoverNotificationClient(cluster.EdgeUrls, FaultTraffic.Token("bob"), FaultTraffic.WorkspaceId);
        await bob.StartAsync(edge: 0);
        var sent = new List<string>();
        for (var i = 0; i < Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n == Batch, "bob got the first batch");

        var outage = Stopwatch.StartNew();
        await cluster.Redis.KillAsync();
        await cluster.Redis.StartAsync();
        var redisBack = outage.Elapsed;

        // The first send after the restart waits (retrying) until the cluster writes to Redis again.
        sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", Batch));
        var firstAccepted = outage.Elapsed;
        for (var i = Batch + 1; i < 2 * Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n >= sent.Count, $"bob got all {sent.Count}", TimeSpan.FromSeconds(30));
        await cluster.WaitUntilEveryNodeIsReadyAsync(TimeSpan.FromSeconds(30));
        var allReady = outage.Elapsed;
        var listed = await FaultTraffic.ListedAsync(cluster.Client, "bob");

        var lost = sent.Count(id => !listed.Contains(id));
        output.WriteLine($"redis restart: redis back after {redisBack.TotalMilliseconds:F0} ms, first notification accepted after {firstAccepted.TotalMilliseconds:F0} ms, " +
                         $"every node ready after {allReady.TotalMilliseconds:F0} ms, sent {sent.Count}, lost {lost}, not delivered live {sent.Except(bob.ReceivedIds).Count()}, duplicates {bob.Duplicates}");
        Assert.Equal(0, lost);
        Assert.Equal(sent, bob.ReceivedIds);
        Assert.Equal(0, bob.Duplicates);
    }
}
