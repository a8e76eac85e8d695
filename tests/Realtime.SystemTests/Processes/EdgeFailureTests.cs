using System.Globalization;

namespace Realtime.SystemTests.Processes;

/// <summary>
/// An edge process killed with SIGKILL says no goodbye: its lease lapses and its users go offline
/// for everyone else, long before any sweep. Short lease settings keep the test quick.
/// </summary>
[Trait("Kind", "System")]
public sealed class EdgeFailureTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Users_of_a_killed_edge_go_offline_when_its_lease_lapses()
    {
        var gatewayPort = Port();
        var clusterId = $"edge-failure-{Guid.NewGuid():N}";
        var siloUrl = new Uri($"http://127.0.0.1:{Port()}");
        await using var silo = HostProcess.Start("Silo", "Realtime.Silo.dll", new Dictionary<string, string>
        {
            ["Urls"] = siloUrl.ToString(),
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__GatewayPort"] = gatewayPort,
            ["Silo__SiloPort"] = Port(),
            ["Presence__EdgeLeaseCheckInterval"] = "00:00:00.500",
        });
        await silo.WaitUntilHealthyAsync(new Uri(siloUrl, "/health"), StartTimeout);
        var (doomedUrl, doomed) = await StartEdgeAsync(clusterId, gatewayPort);
        var (survivorUrl, survivor) = await StartEdgeAsync(clusterId, gatewayPort);
        await using var _ = survivor;

        await using var alice = await TestClient.ConnectAsync(survivorUrl, Token("alice"), "w1");
        var bob = await TestClient.ConnectAsync(doomedUrl, Token("bob"), "w1");
        await alice.WaitForPresenceAsync("bob", "online");

        await doomed.KillAsync();

        // The lease is 3 s, renewed every second: bob is offline within the lease plus one check.
        await alice.WaitForPresenceAsync("bob", "offline");
        await bob.DisposeAsync();
    }

    private static async Task<(Uri Url, HostProcess Process)> StartEdgeAsync(string clusterId, string gatewayPort)
    {
        var url = new Uri($"http://127.0.0.1:{Port()}");
        var edge = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", new Dictionary<string, string>
        {
            ["Urls"] = url.ToString(),
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__GatewayPort"] = gatewayPort,
            ["Jwt__Issuer"] = RealtimeSystem.Issuer,
            ["Jwt__Audience"] = RealtimeSystem.Audience,
            ["Jwt__SigningKey"] = RealtimeSystem.SigningKey,
            ["Edge__LeaseDuration"] = "00:00:03",
            ["Edge__LeaseRenewInterval"] = "00:00:01",
        });
        await edge.WaitUntilHealthyAsync(new Uri(url, "/health"), StartTimeout);
        return (url, edge);
    }

    private static string Token(string userId) =>
        new Realtime.EdgeGateway.Identity.DevelopmentTokenIssuer(RealtimeSystem.JwtSettings, TimeProvider.System)
            .Issue(userId, ["w1"], ["member"], TimeSpan.FromMinutes(5));

    private static string Port() => RedisServer.FreePort().ToString(CultureInfo.InvariantCulture);
}
