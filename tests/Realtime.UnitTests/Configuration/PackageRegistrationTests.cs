using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Realtime.Backend;
using Realtime.Backend.Http;
using Realtime.Client;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;

namespace Realtime.UnitTests.Configuration;

/// <summary>
/// What the packages register from configuration, and that a wrong setting stops the host at start
/// with a message naming it, as the silo's and the edge's settings do.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class PackageRegistrationTests
{
    [Fact]
    public void AddRealtimeCluster_configures_the_cluster_client_from_the_cluster_section_and_registers_the_services()
    {
        using var host = Build(new() { ["Cluster:ClusterId"] = "prod-1", ["Cluster:ServiceId"] = "social", ["Cluster:ResponseTimeout"] = "00:00:12" }, b => b.AddRealtimeCluster());

        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("prod-1", "social"), (cluster.ClusterId, cluster.ServiceId));
        Assert.Equal(TimeSpan.FromSeconds(12), host.Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.NotNull(host.Services.GetRequiredService<IClusterClient>());
        Assert.NotNull(host.Services.GetRequiredService<NotificationService>());
        Assert.NotNull(host.Services.GetRequiredService<RealtimeService>());
        Assert.NotNull(host.Services.GetRequiredService<DashboardService>());
        Assert.NotNull(host.Services.GetRequiredService<InboxService>());
        Assert.NotNull(host.Services.GetRequiredService<PresenceService>());
    }

    [Fact]
    public void AddRealtimeCluster_refuses_redis_clustering_without_a_connection_string_naming_the_setting()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Build(new() { ["Cluster:Clustering"] = "Redis" }, b => b.AddRealtimeCluster()));
        Assert.Contains("Cluster:RedisConnectionString", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRealtimeHttpApi_without_a_token_stops_the_host_at_start_naming_the_setting()
    {
        using var host = Build(new() { ["RealtimeApi:BaseAddress"] = "http://localhost:3001" }, b => b.Services.AddRealtimeHttpApi(b.Configuration));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("RealtimeApi:ServiceToken", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRealtimeHttpApi_sends_to_the_base_address_keeping_its_path()
    {
        using var host = Build(new() { ["RealtimeApi:BaseAddress"] = "http://gateway.test/realtime-edge", ["RealtimeApi:ServiceToken"] = "t" }, b => b.Services.AddRealtimeHttpApi(b.Configuration));
        await host.StartAsync();

        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(RealtimeHttpApi));
        Assert.Equal(new Uri("http://gateway.test/realtime-edge/"), http.BaseAddress);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddRealtimeClient_without_an_edge_url_stops_the_host_at_start_naming_the_setting()
    {
        using var host = Build(new() { ["RealtimeClient:WorkspaceId"] = "w1", ["RealtimeClient:AccessToken"] = "t" }, b => b.Services.AddRealtimeClient(b.Configuration));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("RealtimeClient:EdgeUrl", refused.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        configure(builder);
        return builder.Build();
    }
}
