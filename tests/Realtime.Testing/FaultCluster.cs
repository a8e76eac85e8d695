using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams.PubSub;
using Realtime.Backend;
using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;

namespace Realtime.Testing;

/// <summary>How a <see cref="FaultCluster"/> is laid out and configured.</summary>
public sealed record FaultClusterOptions
{
    /// <summary>Short lease settings of the fault tests: a dead edge's connections go within ~3 s.</summary>
    public static readonly IReadOnlyDictionary<string, string> FaultTestEdgeSettings = new Dictionary<string, string>
    {
        ["Edge__LeaseDuration"] = "00:00:03",
        ["Edge__LeaseRenewInterval"] = "00:00:01",
        ["Edge__StreamCheckInterval"] = "00:00:01",
    };

    public static readonly IReadOnlyDictionary<string, string> FaultTestSiloSettings = new Dictionary<string, string>
    {
        ["Presence__EdgeLeaseCheckInterval"] = "00:00:00.500",
    };

    public int Silos { get; init; } = 2;

    public int Edges { get; init; } = 2;

    /// <summary>
    /// 0: free ephemeral ports. Otherwise fixed loopback ports from here (Redis +0, silo i health +10+i,
    /// silo port +20+i, gateway +30+i, edge i +40+i), below the ephemeral range so that no client
    /// socket can take a killed process's port before it restarts.
    /// </summary>
    public int BasePort { get; init; }

    /// <summary>
    /// A fixed Edge:EdgeId per edge (tests that inspect an edge's stream subscriptions); false gives
    /// each edge process a fresh id, as in production, so a restarted edge never inherits a dead one's lease.
    /// </summary>
    public bool FixedEdgeIds { get; init; } = true;

    public string ClusterIdPrefix { get; init; } = "faults";

    /// <summary>Redis' appendfsync: "always" for the fault tests, "everysec" as deploy/local/cluster.sh runs it.</summary>
    public string RedisAppendFsync { get; init; } = "always";

    /// <summary>Settings (environment variables) of every silo on top of the Redis ones.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings { get; init; } = FaultTestSiloSettings;

    /// <summary>Settings (environment variables) of every edge on top of the cluster and JWT ones.</summary>
    public IReadOnlyDictionary<string, string> EdgeSettings { get; init; } = FaultTestEdgeSettings;

    /// <summary>Where each process's output is written when it is killed, restarted or stopped; null keeps it in memory only.</summary>
    public string? LogDirectory { get; init; }
}

/// <summary>
/// A production-shaped cluster of one fault test (or soak), as deploy/local/cluster.sh starts it:
/// its own Redis (append-only), silos on Redis clustering, storage and reminders, and edges, each
/// a process from the build output, with a fresh ClusterId, and short lease settings by default.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(40);

    private readonly FaultClusterOptions _options;
    private readonly string _clusterId;
    private readonly List<Node> _silos = [];
    private readonly List<Node> _edges = [];
    private IHost? _client;

    private FaultCluster(FaultClusterOptions options)
    {
        _options = options;
        _clusterId = $"{options.ClusterIdPrefix}-{Guid.NewGuid():N}";
        Redis = new RedisProcess(options.BasePort > 0 ? options.BasePort : 0, options.RedisAppendFsync);
    }

    public RedisProcess Redis { get; }

    public string ClusterId => _clusterId;

    public IReadOnlyList<Uri> EdgeUrls => _edges.Select(e => e.Url).ToList();

    public IReadOnlyList<Uri> SiloUrls => _silos.Select(s => s.Url).ToList();

    /// <summary>An Orleans client of the cluster, as a backend service has one.</summary>
    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("Not started.");

    public static Task<FaultCluster> StartAsync(int silos = 2, int edges = 2) =>
        StartAsync(new FaultClusterOptions { Silos = silos, Edges = edges });

    public static async Task<FaultCluster> StartAsync(FaultClusterOptions options)
    {
        var cluster = new FaultCluster(options);
        try
        {
            if (options.BasePort > 0)
            {
                EnsureFree(cluster.PlannedPorts());
            }

            await cluster.Redis.StartAsync();
            for (var i = 0; i < options.Silos; i++)
            {
                cluster._silos.Add(options.BasePort > 0
                    ? new Node($"silo{i + 1}", Url(options.BasePort + 10 + i), Text(options.BasePort + 20 + i), Text(options.BasePort + 30 + i))
                    : new Node($"silo{i + 1}", Url(), Port(), Port()));
            }

            await Task.WhenAll(cluster._silos.Select(cluster.StartSiloAsync));
            for (var i = 0; i < options.Edges; i++)
            {
                var url = options.BasePort > 0 ? Url(options.BasePort + 40 + i) : Url();
                cluster._edges.Add(new Node($"edge{i + 1}", url, "", "") { EdgeId = options.FixedEdgeIds ? $"{cluster._clusterId}-edge{i}" : "" });
            }

            await Task.WhenAll(cluster._edges.Select(cluster.StartEdgeAsync));
            cluster._client = await cluster.StartClientAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Index of the silo hosting <paramref name="grain"/> right now.</summary>
    public async Task<int> SiloHostingAsync(IAddressable grain)
    {
        var statistics = await Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var port = statistics.Single(s => s.GrainId == grain.GetGrainId()).SiloAddress.Endpoint.Port.ToString(CultureInfo.InvariantCulture);
        return _silos.FindIndex(s => s.SiloPort == port);
    }

    /// <summary>Process id of silo <paramref name="index"/> (0 while it is down).</summary>
    public int SiloPid(int index) => _silos[index].Pid;

    public int EdgePid(int index) => _edges[index].Pid;

    public Task KillSiloAsync(int index) => _silos[index].Process!.KillAsync();

    public Task StopSiloAsync(int index) => _silos[index].Process!.TerminateAsync(StopTimeout);

    public Task RestartSiloAsync(int index) => StartSiloAsync(_silos[index]);

    /// <summary>Subscriptions to the edge's event stream that the cluster keeps (PubSubStore).</summary>
    public async Task<int> EdgeStreamSubscriptionsAsync(int index)
    {
        if (!Client.GetStreamProvider(StreamNames.Provider).TryGetStreamSubscriptionManager(out var manager))
        {
            throw new InvalidOperationException("The stream provider has no subscription manager.");
        }

        return (await manager.GetSubscriptions(StreamNames.Provider, StreamNames.ForEdge(_edges[index].EdgeId))).Count();
    }

    public Task KillEdgeAsync(int index) => _edges[index].Process!.KillAsync();

    public Task StopEdgeAsync(int index) => _edges[index].Process!.TerminateAsync(StopTimeout);

    /// <summary>Starts a killed or stopped edge again on the same address (a fresh edge id unless ids are fixed).</summary>
    public Task RestartEdgeAsync(int index) => StartEdgeAsync(_edges[index]);

    /// <summary>Every silo and edge answers /health/ready again.</summary>
    public async Task WaitUntilEveryNodeIsReadyAsync(TimeSpan timeout)
    {
        foreach (var node in _silos.Concat(_edges))
        {
            await node.Process!.WaitUntilHealthyAsync(new Uri(node.Url, "/health/ready"), timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync(TimeSpan.FromSeconds(5));
            _client.Dispose();
        }

        foreach (var node in _edges.Concat(_silos))
        {
            if (node.Process is not null)
            {
                KeepLog(node);
                await node.Process.DisposeAsync();
            }
        }

        await Redis.DisposeAsync();
    }

    private async Task StartSiloAsync(Node silo)
    {
        await EndPreviousAsync(silo);
        silo.Process = HostProcess.Start("Silo", "Realtime.Silo.dll", new Dictionary<string, string>(Common)
        {
            ["Urls"] = silo.Url.ToString(),
            ["Silo__SiloPort"] = silo.SiloPort,
            ["Cluster__GatewayPort"] = silo.GatewayPort,
            ["Silo__Persistence"] = "Redis",
            ["Silo__Reminders"] = "Redis",
        }.With(_options.SiloSettings));
        await silo.Process.WaitUntilHealthyAsync(new Uri(silo.Url, "/health/ready"), StartTimeout);
    }

    private async Task StartEdgeAsync(Node edge)
    {
        await EndPreviousAsync(edge);
        var settings = new Dictionary<string, string>(Common)
        {
            ["Urls"] = edge.Url.ToString(),
            ["Jwt__Issuer"] = RealtimeSystem.Issuer,
            ["Jwt__Audience"] = RealtimeSystem.Audience,
            ["Jwt__SigningKey"] = RealtimeSystem.SigningKey,
        }.With(_options.EdgeSettings);
        if (edge.EdgeId.Length > 0)
        {
            settings["Edge__EdgeId"] = edge.EdgeId;
        }

        edge.Process = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", settings);
        await edge.Process.WaitUntilHealthyAsync(new Uri(edge.Url, "/health/ready"), StartTimeout);
    }

    /// <summary>Before a node starts again: its previous process's output is kept, the process released.</summary>
    private async Task EndPreviousAsync(Node node)
    {
        if (node.Process is not null)
        {
            KeepLog(node);
            await node.Process.DisposeAsync();
        }

        node.Generation++;
    }

    private void KeepLog(Node node)
    {
        if (_options.LogDirectory is { } directory && node.Process is not null)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, $"{node.Name}-{node.Generation}.log"), node.Process.Output);
        }
    }

    private async Task<IHost> StartClientAsync()
    {
        var options = new RealtimeClusterOptions
        {
            ClusterId = _clusterId,
            Clustering = ClusteringProvider.Redis,
            RedisConnectionString = Redis.ConnectionString,
        };
        var builder = Host.CreateApplicationBuilder();
        // The backend's client sees every kill as connection errors; those are expected here, not news.
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client => client.UseRealtimeCluster(options));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private Dictionary<string, string> Common => new()
    {
        ["Cluster__ClusterId"] = _clusterId,
        ["Cluster__Clustering"] = "Redis",
        ["Cluster__RedisConnectionString"] = Redis.ConnectionString,
    };

    private IEnumerable<int> PlannedPorts()
    {
        var b = _options.BasePort;
        yield return b;
        for (var i = 0; i < _options.Silos; i++)
        {
            yield return b + 10 + i;
            yield return b + 20 + i;
            yield return b + 30 + i;
        }

        for (var i = 0; i < _options.Edges; i++)
        {
            yield return b + 40 + i;
        }
    }

    /// <summary>Fails at once, naming the port, rather than letting a process die on a port another run holds.</summary>
    private static void EnsureFree(IEnumerable<int> ports)
    {
        foreach (var port in ports)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"Port {port} is in use (another soak or cluster running?); choose another base port.", ex);
            }
        }
    }

    private static Uri Url() => new($"http://127.0.0.1:{Port()}");

    private static Uri Url(int port) => new($"http://127.0.0.1:{Text(port)}");

    private static string Port() => Text(RedisServer.FreePort());

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private sealed class Node(string name, Uri url, string siloPort, string gatewayPort)
    {
        public string Name { get; } = name;

        public Uri Url { get; } = url;

        public string SiloPort { get; } = siloPort;

        public string GatewayPort { get; } = gatewayPort;

        public string EdgeId { get; init; } = "";

        public HostProcess? Process { get; set; }

        /// <summary>How many times this node was started (its log files are numbered by it).</summary>
        public int Generation { get; set; }

        public int Pid => Process is { HasExited: false } process ? process.Id : 0;
    }
}

internal static class SettingsExtensions
{
    public static Dictionary<string, string> With(this Dictionary<string, string> settings, IReadOnlyDictionary<string, string> more)
    {
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
