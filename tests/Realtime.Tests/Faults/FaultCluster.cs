using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.EdgeGateway.Hosting;
using Orleans.Streams.PubSub;
using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;

namespace Realtime.Tests.Faults;

/// <summary>
/// A production-shaped cluster of one fault test, as deploy/local/cluster.sh starts it: its own
/// Redis (append-only), silos on Redis clustering, storage and reminders, and edges, each a process
/// from the build output, with a fresh ClusterId and free ports, and short lease settings.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(40);

    private readonly string _clusterId = $"faults-{Guid.NewGuid():N}";
    private readonly List<Node> _silos = [];
    private readonly List<Node> _edges = [];
    private IHost? _client;

    public RedisProcess Redis { get; } = new();

    public IReadOnlyList<Uri> EdgeUrls => _edges.Select(e => e.Url).ToList();

    /// <summary>An Orleans client of the cluster, as a backend service has one.</summary>
    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("Not started.");

    public static async Task<FaultCluster> StartAsync(int silos = 2, int edges = 2)
    {
        var cluster = new FaultCluster();
        try
        {
            await cluster.Redis.StartAsync();
            for (var i = 0; i < silos; i++)
            {
                cluster._silos.Add(new Node(Url(), Port(), Port()));
            }

            await Task.WhenAll(cluster._silos.Select(cluster.StartSiloAsync));
            for (var i = 0; i < edges; i++)
            {
                cluster._edges.Add(new Node(Url(), "", "") { EdgeId = $"{cluster._clusterId}-edge{i}" });
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
                await node.Process.DisposeAsync();
            }
        }

        await Redis.DisposeAsync();
    }

    private async Task StartSiloAsync(Node silo)
    {
        if (silo.Process is not null)
        {
            await silo.Process.DisposeAsync();
        }

        silo.Process = HostProcess.Start("Silo", "Realtime.Silo.dll", new Dictionary<string, string>(Common)
        {
            ["Urls"] = silo.Url.ToString(),
            ["Silo__SiloPort"] = silo.SiloPort,
            ["Cluster__GatewayPort"] = silo.GatewayPort,
            ["Silo__Persistence"] = "Redis",
            ["Silo__Reminders"] = "Redis",
            ["Presence__EdgeLeaseCheckInterval"] = "00:00:00.500",
        });
        await silo.Process.WaitUntilHealthyAsync(new Uri(silo.Url, "/health/ready"), StartTimeout);
    }

    private async Task StartEdgeAsync(Node edge)
    {
        edge.Process = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", new Dictionary<string, string>(Common)
        {
            ["Urls"] = edge.Url.ToString(),
            ["Jwt__Issuer"] = RealtimeSystem.Issuer,
            ["Jwt__Audience"] = RealtimeSystem.Audience,
            ["Jwt__SigningKey"] = RealtimeSystem.SigningKey,
            ["Edge__LeaseDuration"] = "00:00:03",
            ["Edge__LeaseRenewInterval"] = "00:00:01",
            ["Edge__StreamCheckInterval"] = "00:00:01",
            ["Edge__EdgeId"] = edge.EdgeId,
        });
        await edge.Process.WaitUntilHealthyAsync(new Uri(edge.Url, "/health/ready"), StartTimeout);
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

    private static Uri Url() => new($"http://127.0.0.1:{Port()}");

    private static string Port() => RedisServer.FreePort().ToString(CultureInfo.InvariantCulture);

    private sealed class Node(Uri url, string siloPort, string gatewayPort)
    {
        public Uri Url { get; } = url;

        public string SiloPort { get; } = siloPort;

        public string GatewayPort { get; } = gatewayPort;

        public string EdgeId { get; init; } = "";

        public HostProcess? Process { get; set; }
    }
}
