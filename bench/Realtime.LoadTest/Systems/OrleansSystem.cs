using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Realtime.Backend;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Hosting;
using Realtime.Testing;

namespace Realtime.LoadTest.Systems;

/// <summary>
/// The embedded default as separate processes from the Release build output: one silo
/// (localhost clustering, in-memory providers, its configured stream polling period) and one
/// edge with test JWT settings, plus an Orleans client in this process as a backend service has.
/// Or, with <see cref="StartClusterAsync"/>, the local cluster: Redis, two silos and two edges.
/// </summary>
public sealed class OrleansSystem : IAsyncDisposable
{
    public const string Issuer = "realtime-loadtest";
    public const string Audience = "realtime";

    // Loopback only, never a deployment key: the same kind of key the tests use.
    public const string SigningKey = "realtime-loadtest-signing-key-at-least-32-bytes-long";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private HostProcess? _silo;
    private HostProcess? _edge;
    private IHost? _client;
    private FaultCluster? _cluster;

    private readonly string _logDirectory;

    private OrleansSystem(Uri siloUrl, Uri edgeUrl, string logDirectory)
    {
        _logDirectory = logDirectory;
        SiloUrl = siloUrl;
        EdgeUrl = edgeUrl;
    }

    public Uri SiloUrl { get; }

    public Uri EdgeUrl { get; }

    /// <summary>Every edge: one on the embedded default, two on the local cluster (clients are split over them).</summary>
    public IReadOnlyList<Uri> EdgeUrls => _cluster?.EdgeUrls ?? [EdgeUrl];

    /// <summary>"orleans" (the embedded default) or "cluster", as the results name it.</summary>
    public string Target => _cluster is null ? "orleans" : "cluster";

    public int SiloPid => _silo!.Id;

    public int EdgePid => _edge!.Id;

    public static JwtOptions Jwt => new() { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey };

    public IClusterClient Client => _cluster?.Client ?? _client!.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts the embedded default; <paramref name="siloSettings"/> adds to the silo's environment (Recovery__WorkspaceEvents, say).</summary>
    public static async Task<OrleansSystem> StartAsync(string logDirectory, IReadOnlyDictionary<string, string>? siloSettings = null)
    {
        var clusterId = $"loadtest-{Guid.NewGuid():N}";
        var gatewayPort = Port();
        var system = new OrleansSystem(new Uri($"http://127.0.0.1:{Port()}"), new Uri($"http://127.0.0.1:{Port()}"), logDirectory);
        try
        {
            var siloEnvironment = new Dictionary<string, string>(siloSettings ?? new Dictionary<string, string>())
            {
                ["Urls"] = system.SiloUrl.ToString(),
                ["Cluster__ClusterId"] = clusterId,
                ["Cluster__GatewayPort"] = gatewayPort,
                ["Silo__SiloPort"] = Port(),
                ["Logging__LogLevel__Default"] = "Warning",
            };
            system._silo = HostProcess.Start("Silo", "Realtime.Silo.dll", siloEnvironment);
            await system._silo.WaitUntilHealthyAsync(new Uri(system.SiloUrl, HostEndpoints.Ready), StartTimeout);

            system._edge = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", new Dictionary<string, string>
            {
                ["Urls"] = system.EdgeUrl.ToString(),
                ["Cluster__ClusterId"] = clusterId,
                ["Cluster__GatewayPort"] = gatewayPort,
                ["Jwt__Issuer"] = Issuer,
                ["Jwt__Audience"] = Audience,
                ["Jwt__SigningKey"] = SigningKey,

                // The HTTP publisher is one caller offering more than the default rate per caller.
                ["Edge__Limits__HttpRequestsPerSecondPerCaller"] = "0",
                ["Logging__LogLevel__Default"] = "Warning",
            });
            await system._edge.WaitUntilHealthyAsync(new Uri(system.EdgeUrl, HostEndpoints.Ready), StartTimeout);

            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(client => client.UseRealtimeCluster(new RealtimeClusterOptions
            {
                ClusterId = clusterId,
                Clustering = ClusteringProvider.Localhost,
                GatewayPort = int.Parse(gatewayPort, CultureInfo.InvariantCulture),
            }));
            system._client = builder.Build();
            await system._client.StartAsync();
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The local cluster as deploy/local/cluster.sh runs it (its own Redis with append-only
    /// persistence every second, Redis clustering, storage, reminders and streams' pub-sub, two
    /// silos, two edges), with production settings, the load test's JWT keys and logs kept in
    /// <paramref name="logDirectory"/>; <paramref name="siloSettings"/> adds to both silos' environment.
    /// </summary>
    public static async Task<OrleansSystem> StartClusterAsync(string logDirectory, IReadOnlyDictionary<string, string>? siloSettings = null)
    {
        var quiet = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        var cluster = await FaultCluster.StartAsync(new FaultClusterOptions
        {
            FixedEdgeIds = false,
            ClusterIdPrefix = "loadtest",
            RedisAppendFsync = "everysec",
            LogDirectory = logDirectory,
            SiloSettings = new Dictionary<string, string>(quiet.Concat(siloSettings ?? new Dictionary<string, string>())),
            EdgeSettings = new Dictionary<string, string>(quiet)
            {
                ["Jwt__Issuer"] = Issuer,
                ["Jwt__Audience"] = Audience,
                ["Jwt__SigningKey"] = SigningKey,
                ["Edge__Limits__HttpRequestsPerSecondPerCaller"] = "0",
            },
        });
        return new OrleansSystem(cluster.SiloUrls[0], cluster.EdgeUrls[0], logDirectory) { _cluster = cluster };
    }

    /// <summary>Stops what this run started, by the processes it holds: client, edge, then silo.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            return;
        }

        if (_client is not null)
        {
            await _client.StopAsync(StopTimeout);
            _client.Dispose();
        }

        foreach (var process in new[] { _edge, _silo })
        {
            if (process is null)
            {
                continue;
            }

            try
            {
                await process.TerminateAsync(StopTimeout);
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: DisposeAsync kills it.
            }

            await process.DisposeAsync();
        }

        WriteLogs();
    }

    /// <summary>The silo's and edge's output (warnings and up), kept with the results: evictions, refused calls.</summary>
    private void WriteLogs()
    {
        Directory.CreateDirectory(_logDirectory);
        foreach (var (name, process) in new[] { ("silo", _silo), ("edge", _edge) })
        {
            if (process is not null)
            {
                File.WriteAllText(Path.Combine(_logDirectory, $"{name}.log"), process.Output);
            }
        }
    }

    private static string Port() => RedisServer.FreePort().ToString(CultureInfo.InvariantCulture);
}
