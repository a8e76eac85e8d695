using Orleans.Configuration;
using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;
using StackExchange.Redis;

namespace Realtime.EdgeGateway.Hosting;

/// <summary>The edge's Orleans client: which cluster, how to find it, and the event stream provider.</summary>
public static class ClusterClientExtensions
{
    public static IClientBuilder UseRealtimeCluster(this IClientBuilder client, RealtimeClusterOptions cluster)
    {
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
