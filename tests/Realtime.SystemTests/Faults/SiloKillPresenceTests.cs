using System.Diagnostics;
using Realtime.Grains;
using Realtime.Grains.Presence;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// A connection that ends while the silo of its user's presence grain is dying: the edge's
/// disconnect is lost with the silo, so the edge tells the grain again until it takes it. The
/// user goes offline within seconds, not at the stale-connection sweep minutes later (a ghost
/// for the whole workspace meanwhile).
/// </summary>
[Trait("Kind", "System")]
public sealed class SiloKillPresenceTests(ITestOutputHelper output)
{
    // Death declared ~5 s after the kill, the grain back on the other silo from Redis, one retry a second.
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task A_connection_that_ends_as_its_presence_silo_dies_leaves_presence_within_seconds()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2, edges: 1);
        var alice = await TestClient.ConnectAsync(cluster.EdgeUrls[0], FaultTraffic.Token("alice"), FaultTraffic.WorkspaceId);
        var presence = cluster.Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(FaultTraffic.WorkspaceId, "alice"));
        await Eventually.UntilAsync(() => presence.GetPresence(), p => p?.ConnectionCount == 1, "alice online");
        var victim = await cluster.SiloHostingAsync(presence);

        await cluster.KillSiloAsync(victim);
        var sinceKill = Stopwatch.StartNew();
        await alice.DisposeAsync();

        var offline = await Eventually.UntilAsync(() => PresenceOrNullAsync(presence), p => p?.ConnectionCount == 0, "alice offline", Recovery);
        output.WriteLine($"presence silo killed, alice's connection closed: offline after {sinceKill.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(PresenceStatus.Offline, offline!.Status);
    }

    /// <summary>Null while the grain cannot answer (its silo just died); each look bounded like a backend's attempt.</summary>
    private static async Task<UserPresence?> PresenceOrNullAsync(IUserPresenceGrain presence)
    {
        try
        {
            return await presence.GetPresence().WaitAsync(FaultTraffic.AttemptTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return null;
        }
    }
}
