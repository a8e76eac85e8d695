using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Hosting;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using StackExchange.Redis;

namespace Realtime.Backend;

/// <summary>
/// A client of the realtime cluster: which cluster, how to find it, and the event stream provider.
/// Edges and .NET backends connect the same way, from the same "Cluster" section the silos read.
/// </summary>
public static class ClusterClientExtensions
{
    /// <summary>
    /// The Orleans cluster client configured from the "Cluster" section (clustering, cluster and
    /// service id, response timeout; validated now and again at start, a bad value naming the
    /// setting), and <see cref="NotificationService"/>, <see cref="RealtimeService"/>,
    /// <see cref="DashboardService"/>, <see cref="InboxService"/> and <see cref="PresenceService"/>
    /// as singletons.
    /// </summary>
    public static IServiceCollection AddRealtimeCluster(this IServiceCollection services, IConfiguration configuration)
    {
        // Read now as well as registered: the clustering provider is chosen while the host is built.
        var cluster = configuration.GetValidated<RealtimeClusterOptions>(RealtimeClusterOptions.SectionName);
        services.AddValidatedOptions<RealtimeClusterOptions>(configuration, RealtimeClusterOptions.SectionName);
        services.AddOrleansClient(client => client.UseRealtimeCluster(cluster));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NotificationService>();
        services.TryAddSingleton<RealtimeService>();
        services.TryAddSingleton<DashboardService>();
        services.TryAddSingleton<InboxService>();
        services.TryAddSingleton<PresenceService>();
        return services;
    }

    /// <summary><see cref="AddRealtimeCluster(IServiceCollection, IConfiguration)"/> with the host's configuration.</summary>
    public static TBuilder AddRealtimeCluster<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddRealtimeCluster(builder.Configuration);
        return builder;
    }

    /// <summary>Points an Orleans client at the cluster <paramref name="cluster"/> describes, with the event stream provider.</summary>
    public static IClientBuilder UseRealtimeCluster(this IClientBuilder client, RealtimeClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);

        if (cluster.Clustering == ClusteringProvider.Redis)
        {
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort);
        }

        // Silos may still be starting (one command starts both): keep trying for a while.
        var deadline = DateTimeOffset.UtcNow + cluster.ConnectRetryWindow;
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });

        client.AddMemoryStreams(StreamNames.Provider);
        client.AddActivityPropagation();
        return client;
    }
}
