using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting.Kubernetes;
using Realtime.Grains.Hosting;
using Realtime.Silo.Hosting;

namespace Realtime.UnitTests.Deployment;

/// <summary>Silo:KubernetesHosting switches Orleans Kubernetes hosting on; off, nothing of it is registered.</summary>
[Trait("Kind", "Unit")]
public sealed class KubernetesHostingTests
{
    private static readonly RealtimeClusterOptions RedisCluster = new()
    {
        Clustering = ClusteringProvider.Redis,
        RedisConnectionString = "127.0.0.1:6379",
    };

    [Fact]
    public void Off_by_default_registers_no_kubernetes_hosting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseRealtimeClustering(RedisCluster, new RealtimeSiloOptions()));

        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IConfigureOptions<KubernetesHostingOptions>));
    }

    [Fact]
    public void On_with_redis_clustering_registers_kubernetes_hosting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseRealtimeClustering(RedisCluster, new RealtimeSiloOptions { KubernetesHosting = true }));

        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IConfigureOptions<KubernetesHostingOptions>));
    }

    [Fact]
    public void On_with_localhost_clustering_is_refused_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.Throws<OptionsValidationException>(() =>
            builder.UseOrleans(silo => silo.UseRealtimeClustering(new RealtimeClusterOptions(), new RealtimeSiloOptions { KubernetesHosting = true })));
        Assert.Contains("Silo:KubernetesHosting", error.Message);
    }
}
