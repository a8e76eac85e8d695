using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using Realtime.Grains.Streaming;
using Realtime.Silo.Hosting;
using StackExchange.Redis;

namespace Realtime.Tests.Infrastructure;

/// <summary>
/// A 2-silo Orleans TestCluster with the realtime grain services. The in-memory variant uses
/// the embedded-default providers; the Redis variant uses a real Redis server for clustering,
/// grain storage (PubSubStore too) and reminders, over real TCP between silos.
/// </summary>
public abstract class RealtimeTestClusterFixture : IAsyncLifetime
{
    private const string RedisKey = "RealtimeTests:Redis";

    public TestCluster Cluster { get; private set; } = null!;

    protected abstract string? RedisConnectionString { get; }

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        var redis = RedisConnectionString;
        if (redis is not null)
        {
            builder.Properties[RedisKey] = redis;
            builder.Options.UseTestClusterMembership = false;
            builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var redis = siloBuilder.Configuration[RedisKey];
            var provider = redis is null ? StorageProvider.Memory : StorageProvider.Redis;
            if (redis is not null)
            {
                siloBuilder.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            }

            siloBuilder.AddRealtimeGrainServices(
                new RealtimeSiloOptions
                {
                    Persistence = provider,
                    Reminders = provider,
                    MinimumReminderPeriod = TimeSpan.FromMilliseconds(100),
                },
                redis);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            var redis = configuration[RedisKey];
            if (redis is not null)
            {
                clientBuilder.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            }

            clientBuilder.AddMemoryStreams(StreamNames.Provider);
        }
    }
}

public sealed class InMemoryClusterFixture : RealtimeTestClusterFixture
{
    protected override string? RedisConnectionString => null;
}

public sealed class RedisClusterFixture : RealtimeTestClusterFixture
{
    protected override string? RedisConnectionString => RedisServer.ConnectionString;
}

[CollectionDefinition(Name)]
public sealed class InMemoryClusterCollection : ICollectionFixture<InMemoryClusterFixture>
{
    public const string Name = "In-memory test cluster";
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis test cluster";
}
