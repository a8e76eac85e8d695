using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Realtime.Silo.Hosting;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// The embedded system with no dashboard password, its silo listening on loopback and also on a
/// Unix socket: a connection with no loopback address, as one from another host would be.
/// </summary>
public sealed class LoopbackDashboardFixture : IAsyncLifetime
{
    public string UnixSocket { get; } = Path.Combine(Path.GetTempPath(), $"realtime-silo-{Guid.NewGuid():N}.sock");

    public RealtimeSystem System { get; private set; } = null!;

    public Uri SiloLoopback { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System = await RealtimeSystem.StartEmbeddedAsync(configureSilo: silo => silo.WebHost.UseUrls("http://127.0.0.1:0", $"http://unix:{UnixSocket}"));
        SiloLoopback = new Uri(System.SiloService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        File.Delete(UnixSocket);
    }
}

/// <summary>The embedded system whose silo's dashboard takes the administrator's password.</summary>
public sealed class PasswordDashboardFixture : IAsyncLifetime
{
    public const string Password = "correct-horse-battery-staple-42";

    public RealtimeSystem System { get; private set; } = null!;

    public async Task InitializeAsync() =>
        System = await RealtimeSystem.StartEmbeddedAsync(siloSettings: new Dictionary<string, string?> { ["OrleansDashboard:Password"] = Password });

    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>The Orleans Dashboard on a real silo's Kestrel: an administrator gets it, nobody else does.</summary>
[Trait("Kind", "Integration")]
public sealed class OrleansDashboardLoopbackTests(LoopbackDashboardFixture fixture) : IClassFixture<LoopbackDashboardFixture>
{
    [Fact]
    public async Task The_dashboard_answers_on_loopback_with_its_page_and_the_cluster_s_silos()
    {
        using var http = new HttpClient { BaseAddress = fixture.SiloLoopback };

        var page = await http.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var counters = await Eventually.UntilAsync(
            () => http.GetStringAsync("/orleans/DashboardCounters"),
            json => json.Contains("\"status\":\"Active\"", StringComparison.Ordinal),
            "the dashboard lists the silo as active");
        Assert.Contains("Realtime.Grains", counters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_not_from_loopback_is_refused_every_dashboard_path_but_still_gets_the_probes()
    {
        using var http = OverUnixSocket(fixture.UnixSocket);

        foreach (var path in new[] { "/orleans/", "/orleans/index.html", "/orleans/DashboardCounters", "/orleans/ClusterStats", "/orleans/GrainState?grainId=x&grainType=y", "/orleans/Trace" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path} over the Unix socket answered {(int)response.StatusCode}");
        }

        using var live = await http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static HttpClient OverUnixSocket(string path) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://localhost") };
}

[Trait("Kind", "Integration")]
public sealed class OrleansDashboardDisabledTests
{
    [Fact]
    public async Task Disabled_the_dashboard_is_not_served_and_the_silo_still_runs_the_workspace_dashboards()
    {
        await using var system = await RealtimeSystem.StartEmbeddedAsync(siloSettings: new Dictionary<string, string?> { ["OrleansDashboard:Enabled"] = "false" });
        using var http = new HttpClient { BaseAddress = system.SiloUrls[0] };

        using var page = await http.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);

        // Our own dashboard grain keeps its grain type: a workspace dashboard answers.
        var latest = await system.SiloService<IGrainFactory>().GetGrain<Realtime.Grains.Dashboards.IDashboardGrain>($"ws-{Guid.NewGuid():N}").GetLatest(0, 0);
        Assert.Empty(latest.Updates);
    }
}

[Trait("Kind", "Integration")]
public sealed class OrleansDashboardPasswordTests(PasswordDashboardFixture fixture) : IClassFixture<PasswordDashboardFixture>
{
    [Fact]
    public async Task With_a_password_set_the_dashboard_asks_for_it_even_on_loopback_and_opens_with_it()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.SiloUrls[0] };

        using var anonymous = await http.GetAsync("/orleans/DashboardCounters");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        foreach (var wrong in new[] { Basic(OrleansDashboardOptions.AdminUser, "wrong-password-of-some-length"), Basic("root", PasswordDashboardFixture.Password), new AuthenticationHeaderValue("Bearer", PasswordDashboardFixture.Password) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/orleans/DashboardCounters") { Headers = { Authorization = wrong } };
            using var refused = await http.SendAsync(request);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{wrong.Scheme} {wrong.Parameter} answered {(int)refused.StatusCode}");
        }

        using var admin = new HttpRequestMessage(HttpMethod.Get, "/orleans/") { Headers = { Authorization = Basic(OrleansDashboardOptions.AdminUser, PasswordDashboardFixture.Password) } };
        using var page = await http.SendAsync(admin);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // The probes and the scrape are not the dashboard's: they answer without it.
        using var scrape = await http.GetAsync("/prometheus");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
