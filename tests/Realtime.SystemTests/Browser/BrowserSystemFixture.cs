using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Realtime.Backend;
using Realtime.Grains.Hosting;

namespace Realtime.SystemTests.Browser;

/// <summary>
/// The embedded default as `./run.sh` starts it (Development: in-memory providers, the
/// development signing key and token endpoint), silo and edge as separate processes, a backend's
/// Orleans client, and Chromium, headless, driven by Playwright (which Chromium: <see cref="ChromiumPath"/>).
/// </summary>
public sealed class BrowserSystemFixture : IAsyncLifetime
{
    /// <summary>Names the Chromium (or Chrome) executable to drive, when the default will not do.</summary>
    public const string ChromiumVariable = "REALTIME_TEST_CHROMIUM";

    /// <summary>Debian's Chromium (apt-get install chromium): where Playwright's own browser download cannot work, as in CI.</summary>
    public const string DebianChromium = "/usr/bin/chromium";

    /// <summary>
    /// The browser the tests drive: REALTIME_TEST_CHROMIUM when set, else Debian's Chromium when it
    /// is installed, else null, which is Playwright's own downloaded Chromium (a developer's Mac:
    /// <c>pwsh tests/Realtime.Tests/bin/Release/net10.0/playwright.ps1 install chromium</c>).
    /// </summary>
    public static string? ChromiumPath { get; } = FindChromium();

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly string _clusterId = $"browser-{Guid.NewGuid():N}";
    private readonly int _gatewayPort = RedisServer.FreePort();
    private HostProcess? _silo;
    private HostProcess? _edge;
    private IHost? _backend;
    private IPlaywright? _playwright;

    public Uri EdgeUrl { get; } = new($"http://127.0.0.1:{RedisServer.FreePort()}/");

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>What a backend service holds: an Orleans client of the cluster.</summary>
    public IClusterClient Cluster => _backend!.Services.GetRequiredService<IClusterClient>();

    /// <summary>Screenshots of the pages, kept as the test run's artifacts.</summary>
    public string ArtifactDirectory { get; } = Path.Combine(HostProcess.SolutionRoot(), "artifacts", "browser");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ArtifactDirectory);
        var siloUrl = new Uri($"http://127.0.0.1:{RedisServer.FreePort()}/");
        _silo = HostProcess.Start("Silo", "Realtime.Silo.dll", new Dictionary<string, string>(Common)
        {
            ["Urls"] = siloUrl.ToString(),
            ["Silo__SiloPort"] = RedisServer.FreePort().ToString(CultureInfo.InvariantCulture),
        });
        await _silo.WaitUntilHealthyAsync(new Uri(siloUrl, "/health/ready"), StartTimeout);
        await StartEdgeAsync();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseRealtimeCluster(new RealtimeClusterOptions
        {
            ClusterId = _clusterId,
            Clustering = ClusteringProvider.Localhost,
            GatewayPort = _gatewayPort,
        }));
        _backend = builder.Build();
        await _backend.StartAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    /// <summary>Stops the edge as an orchestrator does (SIGTERM: it drains) and starts it again on the same address.</summary>
    public async Task RestartEdgeAsync(Func<Task> whileDown)
    {
        await _edge!.TerminateAsync(StopTimeout);
        await _edge.DisposeAsync();
        await whileDown();
        await StartEdgeAsync();
    }

    public string EdgeOutput => _edge?.Output ?? "";

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_backend is not null)
        {
            await _backend.StopAsync(TimeSpan.FromSeconds(5));
            _backend.Dispose();
        }

        foreach (var process in new[] { _edge, _silo })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
    }

    private Dictionary<string, string> Common => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Cluster__ClusterId"] = _clusterId,
        ["Cluster__GatewayPort"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static string? FindChromium()
    {
        var named = Environment.GetEnvironmentVariable(ChromiumVariable);
        if (!string.IsNullOrWhiteSpace(named))
        {
            return File.Exists(named) ? named : throw new FileNotFoundException($"{ChromiumVariable} names no file: {named}", named);
        }

        return File.Exists(DebianChromium) ? DebianChromium : null;
    }

    private async Task StartEdgeAsync()
    {
        _edge = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", new Dictionary<string, string>(Common)
        {
            ["Urls"] = EdgeUrl.ToString(),
        });
        await _edge.WaitUntilHealthyAsync(new Uri(EdgeUrl, "/health/ready"), StartTimeout);
    }
}
