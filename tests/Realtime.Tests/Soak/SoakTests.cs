using Realtime.LoadTest.Soak;
using Xunit.Abstractions;

namespace Realtime.Tests.Soak;

/// <summary>
/// CI's version of the soak (deploy/local/soak.sh, docs/reliability.md): the same cluster, client
/// behaviour and criteria, for 3 minutes with ~300 clients instead of 10 minutes with 2,000, and
/// kills of Redis and edges in turn every 30-40 s (4 kills with this seed, the last an edge's, so
/// presence is judged on a lease evicting the users who did not come back). Silo kills are not in
/// this version while a broadcast accepted right after a silo kill can still be lost
/// (docs/reliability.md, "Defects found by the soak", defect 3); the full soak kills silos.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_minutes_of_kills_lose_no_accepted_notification_no_broadcast_and_presence_converges()
    {
        var options = new SoakOptions
        {
            Duration = TimeSpan.FromMinutes(3),
            Clients = 300,
            Seed = 20261206,
            KillEveryMin = TimeSpan.FromSeconds(30),
            KillEveryMax = TimeSpan.FromSeconds(40),
            KillKinds = ["redis", "edge"],
            KillOrder = true,

            // More users than the full soak's 5% stay away when their edge dies, so that with 300
            // clients the last kill still leaves ghosts that only the lease can remove.
            GiveUpOnEdgeKill = 0.15,

            // Away from the full soak's ports (17300), so a soak running by hand does not break the suite.
            BasePort = 17500,
            OutputDirectory = Path.Combine(HostProcess.SolutionRoot(), "artifacts", "soak-ci"),
            Progress = new TestOutputWriter(output),
        }.Validated();

        var report = await SoakScenario.RunAsync(options);

        output.WriteLine(SoakResultFiles.Render(report));
        Assert.True(report.Kills.Count >= 3, $"only {report.Kills.Count} kills");
        Assert.True(report.Notifications.Accepted > 0 && report.Broadcasts.Accepted > 0, "no traffic");
        Assert.All(report.Criteria, criterion => Assert.True(criterion.Passed, $"{criterion.Name}: {criterion.Detail}"));
    }
}
