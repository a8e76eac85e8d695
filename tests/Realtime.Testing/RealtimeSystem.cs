using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Identity;
using Realtime.Silo.Hosting;

namespace Realtime.Testing;

/// <summary>
/// The real thing, in this process: silos built by the Silo project's AddRealtimeSilo and edges
/// built by the EdgeGateway project's AddRealtimeEdge, each edge a real Kestrel on a loopback
/// port and an Orleans client of the silos over TCP.
/// </summary>
public sealed class RealtimeSystem : IAsyncDisposable
{
    public const string Issuer = "realtime-tests";
    public const string Audience = "realtime";
    public const string SigningKey = "realtime-tests-signing-key-at-least-32-bytes-long";
    public const string AllowedOrigin = "https://app.example.test";

    private readonly List<WebApplication> _silos = [];
    private readonly List<WebApplication> _edges = [];

    private RealtimeSystem()
    {
    }

    public IReadOnlyList<Uri> EdgeUrls => _edges.Select(e => new Uri(e.Urls.First())).ToList();

    /// <summary>Each silo's HTTP address (health probes, metrics scrape).</summary>
    public IReadOnlyList<Uri> SiloUrls => _silos.Select(s => new Uri(s.Urls.First())).ToList();

    public DevelopmentTokenIssuer Tokens { get; } = new(
        new JwtOptions { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey },
        TimeProvider.System);

    public static JwtOptions JwtSettings => new() { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey };

    /// <summary>
    /// Embedded default: one silo with localhost clustering and in-memory providers, one edge (or
    /// <paramref name="edgeCount"/>). <paramref name="configureSilo"/> adds to the silo's host (a call filter, say).
    /// </summary>
    public static Task<RealtimeSystem> StartEmbeddedAsync(
        string environment = "Development",
        IReadOnlyDictionary<string, string?>? siloSettings = null,
        IReadOnlyDictionary<string, string?>? edgeSettings = null,
        Action<WebApplicationBuilder>? configureEdge = null,
        Action<WebApplicationBuilder>? configureSilo = null,
        int edgeCount = 1) =>
        StartAsync(siloCount: 1, edgeCount, redis: null, environment, siloSettings, edgeSettings, configureEdge, configureSilo);

    /// <summary>
    /// Production providers: silos clustered through Redis with Redis storage and reminders, several
    /// edges. <paramref name="siloSettings"/> override silo settings; <paramref name="configureSilo"/>
    /// adds to each silo's host (a call filter, say).
    /// </summary>
    public static Task<RealtimeSystem> StartOnRedisAsync(
        int siloCount,
        int edgeCount,
        IReadOnlyDictionary<string, string?>? siloSettings = null,
        Action<WebApplicationBuilder>? configureSilo = null) =>
        StartAsync(siloCount, edgeCount, RedisServer.ConnectionString, "Production", siloSettings, configureSilo: configureSilo);

    private static async Task<RealtimeSystem> StartAsync(
        int siloCount,
        int edgeCount,
        string? redis,
        string environment,
        IReadOnlyDictionary<string, string?>? siloSettings = null,
        IReadOnlyDictionary<string, string?>? edgeSettings = null,
        Action<WebApplicationBuilder>? configureEdge = null,
        Action<WebApplicationBuilder>? configureSilo = null)
    {
        var system = new RealtimeSystem();
        try
        {
            var cluster = new Dictionary<string, string?>
            {
                ["Cluster:ClusterId"] = $"tests-{Guid.NewGuid():N}",
                ["Cluster:ServiceId"] = "realtime-tests",
                ["Cluster:Clustering"] = redis is null ? "Localhost" : "Redis",
                ["Cluster:RedisConnectionString"] = redis,
                ["Cluster:ConnectRetryWindow"] = "00:00:30",
            };

            var firstGatewayPort = 0;
            for (var i = 0; i < siloCount; i++)
            {
                var gatewayPort = RedisServer.FreePort();
                firstGatewayPort = firstGatewayPort == 0 ? gatewayPort : firstGatewayPort;
                var silo = CreateBuilder(environment, cluster, new()
                {
                    ["Cluster:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Silo:SiloPort"] = RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Silo:Persistence"] = redis is null ? "Memory" : "Redis",
                    ["Silo:Reminders"] = redis is null ? "Memory" : "Redis",
                });
                silo.Configuration.AddInMemoryCollection(siloSettings ?? new Dictionary<string, string?>());
                configureSilo?.Invoke(silo);
                silo.AddRealtimeSilo();
                var app = silo.Build();
                app.MapRealtimeSilo();
                await app.StartAsync();
                system._silos.Add(app);
            }

            for (var i = 0; i < edgeCount; i++)
            {
                var edge = CreateBuilder(environment, cluster, new()
                {
                    ["Cluster:GatewayPort"] = firstGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Edge:EdgeId"] = $"edge{i}-{Guid.NewGuid():N}",
                    ["Jwt:Issuer"] = Issuer,
                    ["Jwt:Audience"] = Audience,
                    ["Jwt:SigningKey"] = SigningKey,
                    ["Edge:AllowedOrigins:0"] = AllowedOrigin,

                    // Renewals carry the edge's connection count: frequent ones keep the cluster stats fresh in tests.
                    ["Edge:LeaseRenewInterval"] = "00:00:01",
                    ["Edge:LeaseDuration"] = "00:00:05",
                    ["Edge:StreamCheckInterval"] = "00:00:00.500",
                    ["Edge:FeedCheckInterval"] = "00:00:00.500",
                });
                edge.Configuration.AddInMemoryCollection(edgeSettings ?? new Dictionary<string, string?>());
                configureEdge?.Invoke(edge);
                edge.AddRealtimeEdge();
                var app = edge.Build();
                app.MapRealtimeEdge();
                await app.StartAsync();
                system._edges.Add(app);
            }

            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public T EdgeService<T>(int edge = 0)
        where T : notnull => _edges[edge].Services.GetRequiredService<T>();

    /// <summary>A service of a silo's host, e.g. its <see cref="IGrainFactory"/> (calls from it enter the cluster at that silo).</summary>
    public T SiloService<T>(int silo = 0)
        where T : notnull => _silos[silo].Services.GetRequiredService<T>();

    /// <summary>Stops silo <paramref name="index"/> (gracefully); its edges are left without it.</summary>
    public async Task StopSiloAsync(int index)
    {
        var silo = _silos[index];
        _silos.RemoveAt(index);
        await silo.StopAsync();
        await silo.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_edges).Concat(Enumerable.Reverse(_silos)))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static WebApplicationBuilder CreateBuilder(string environment, Dictionary<string, string?> shared, Dictionary<string, string?> own)
    {
        // An empty content root: no appsettings.json of either project leaks into the test.
        var contentRoot = Directory.CreateTempSubdirectory("realtime-tests-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = contentRoot,
        });
        builder.Configuration.AddInMemoryCollection(shared).AddInMemoryCollection(own);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        return builder;
    }
}
