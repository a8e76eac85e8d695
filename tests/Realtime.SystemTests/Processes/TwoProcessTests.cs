using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Realtime.SystemTests.Processes;

/// <summary>
/// The silo and the edge as two separate processes, started from their build output with their
/// own Program.cs and appsettings, configured by environment variables only: what run.sh and an
/// operator do. A newcomer's path: get a development token over HTTP, connect, see presence.
/// </summary>
[Trait("Kind", "System")]
public sealed class TwoProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Embedded_default_processes_serve_a_development_token_and_presence()
    {
        var gatewayPort = Port();
        var edgeUrl = new Uri($"http://127.0.0.1:{Port()}");
        var siloUrl = new Uri($"http://127.0.0.1:{Port()}");
        await using var silo = HostProcess.Start("Silo", "Realtime.Silo.dll", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = siloUrl.ToString(),
            ["Cluster__GatewayPort"] = gatewayPort,
            ["Silo__SiloPort"] = Port(),
        });
        await using var edge = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = edgeUrl.ToString(),
            ["Cluster__GatewayPort"] = gatewayPort,
        });
        await silo.WaitUntilHealthyAsync(new Uri(siloUrl, "/health"), StartTimeout);
        await edge.WaitUntilHealthyAsync(new Uri(edgeUrl, "/health"), StartTimeout);

        using var http = new HttpClient { BaseAddress = edgeUrl };
        var aliceToken = await DevTokenAsync(http, "alice", "w1");
        var bobToken = await DevTokenAsync(http, "bob", "w1");
        await using var alice = await TestClient.ConnectAsync(edgeUrl, aliceToken, "w1");
        await using var bob = await TestClient.ConnectAsync(edgeUrl, bobToken, "w1");

        await alice.WaitForPresenceAsync("bob", "online");

        // What an operator's probes and Prometheus hit, as the processes' own Program.cs map them.
        foreach (var probe in new[] { "/health/live", "/health/ready", "/prometheus" })
        {
            using var silosAnswer = await http.GetAsync(new Uri(siloUrl, probe));
            using var edgesAnswer = await http.GetAsync(new Uri(edgeUrl, probe));
            Assert.Equal(HttpStatusCode.OK, silosAnswer.StatusCode);
            Assert.Equal(HttpStatusCode.OK, edgesAnswer.StatusCode);
        }
    }

    [Fact]
    public async Task A_bad_setting_stops_the_silo_with_a_message_naming_it()
    {
        await using var silo = HostProcess.Start("Silo", "Realtime.Silo.dll", new Dictionary<string, string>
        {
            ["Cluster__GatewayPort"] = "70000",
        });

        var exitCode = await silo.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Cluster:GatewayPort", silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Silo", "Realtime.Silo.dll")]
    [InlineData("EdgeGateway", "Realtime.EdgeGateway.dll")]
    public async Task A_bad_otlp_endpoint_stops_the_process_with_a_message_naming_it(string project, string assembly)
    {
        await using var host = HostProcess.Start(project, assembly, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = $"http://127.0.0.1:{Port()}",
            ["Telemetry__OtlpEndpoint"] = "not a url",
        });

        var exitCode = await host.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Telemetry:OtlpEndpoint", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edge_without_a_signing_key_outside_development_refuses_to_start()
    {
        await using var edge = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Urls"] = $"http://127.0.0.1:{Port()}",
        });

        var exitCode = await edge.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Jwt:SigningKey", edge.Output, StringComparison.Ordinal);
    }

    private static async Task<string> DevTokenAsync(HttpClient http, string userId, string workspaces)
    {
        var body = await http.GetFromJsonAsync<JsonElement>($"/dev/token?userId={userId}&workspaces={workspaces}");
        return body.GetProperty("token").GetString()!;
    }

    private static string Port() => RedisServer.FreePort().ToString(CultureInfo.InvariantCulture);
}
