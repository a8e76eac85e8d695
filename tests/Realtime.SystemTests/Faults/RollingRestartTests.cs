using System.Diagnostics;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// Every silo restarted one at a time (SIGTERM, then started again), as a deploy does, while
/// notifications and broadcasts flow: graceful hand-over loses no accepted notification.
/// </summary>
[Trait("Kind", "System")]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Silos = 2;

    [Fact]
    public async Task A_rolling_restart_of_every_silo_loses_no_accepted_notification()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: Silos);
        await using var bob = new FailoverNotificationClient(cluster.EdgeUrls, FaultTraffic.Token("bob"), FaultTraffic.WorkspaceId);
        await bob.StartAsync(edge: 0);
        await using var traffic = new TrafficLoop(cluster.Client, "bob");
        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n >= 5, "notifications flowing");

        var restarts = new List<TimeSpan>();
        var rolling = Stopwatch.StartNew();
        for (var silo = 0; silo < Silos; silo++)
        {
            var restart = Stopwatch.StartNew();
            await cluster.StopSiloAsync(silo);
            await cluster.RestartSiloAsync(silo);
            restarts.Add(restart.Elapsed);
        }

        var acceptedAtEnd = traffic.Accepted.Count;
        await Eventually.UntilAsync(() => Task.FromResult(traffic.Accepted.Count), n => n >= acceptedAtEnd + 10, "traffic after the restarts", TimeSpan.FromSeconds(40));
        await traffic.StopAsync();
        var accepted = traffic.Accepted;
        var listed = await FaultTraffic.ListedAsync(cluster.Client, "bob");
        var lost = accepted.Count(id => !listed.Contains(id));
        // Live, on the connection he kept: a notification lost on the way is caught up by the edge (gap repair).
        await Eventually.UntilAsync(() => Task.FromResult(accepted.Except(bob.ReceivedIds).Count()), n => n == 0, "bob has every accepted notification live", TimeSpan.FromSeconds(15));

        output.WriteLine($"rolling restart: {Silos} silos in {rolling.Elapsed.TotalMilliseconds:F0} ms (each {string.Join(", ", restarts.Select(r => $"{r.TotalMilliseconds:F0} ms"))}), " +
                         $"accepted {accepted.Count}, lost {lost}, not delivered live {accepted.Except(bob.ReceivedIds).Count()}, duplicates {bob.Duplicates}");
        Assert.Equal(0, lost);
        Assert.Equal(0, bob.Duplicates);
    }
}
