using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Metadata;
using Orleans.Serialization;
using Orleans.Storage;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Hosting;
using Realtime.Grains.Idempotency;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;
using Realtime.Grains.Webhooks;
using Realtime.Grains.Workspaces;
using Realtime.Silo.Storage;
using Realtime.Silo.Webhooks;
using StackExchange.Redis;

namespace Realtime.Silo.Hosting;

/// <summary>The pieces of a realtime silo, each chosen by configuration.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Configuration section bound onto Orleans' <see cref="ClusterMembershipOptions"/>.</summary>
    public const string MembershipSection = $"{RealtimeSiloOptions.SectionName}:Membership";

    /// <summary>Cluster identity and membership: localhost clustering or the Redis membership table.</summary>
    public static ISiloBuilder UseRealtimeClustering(this ISiloBuilder silo, RealtimeClusterOptions cluster, RealtimeSiloOptions options)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);

        silo.UseRealtimeFailureDetection();

        switch (cluster.Clustering)
        {
            case ClusteringProvider.Redis when options.KubernetesHosting:
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));

                // Ports only: Kubernetes hosting advertises the pod IP and listens on any address.
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = options.SiloPort;
                    o.GatewayPort = cluster.GatewayPort;
                });
                silo.UseKubernetesHosting();
                break;
            case ClusteringProvider.Redis:
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));
                silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                break;
            case ClusteringProvider.Localhost when options.KubernetesHosting:
                throw new OptionsValidationException(
                    RealtimeSiloOptions.SectionName,
                    typeof(RealtimeSiloOptions),
                    [$"{RealtimeSiloOptions.SectionName}:{nameof(RealtimeSiloOptions.KubernetesHosting)}: needs {RealtimeClusterOptions.SectionName}:{nameof(RealtimeClusterOptions.Clustering)} Redis."]);
            default:
                silo.UseLocalhostClustering(options.SiloPort, cluster.GatewayPort);
                break;
        }

        return silo;
    }

    /// <summary>
    /// Failure detection tighter than Orleans' defaults, which took ~30 s to declare a SIGKILLed silo
    /// dead on two silos (its grains are unreachable until then): probes start every ~2 s and three
    /// missed probes suspect a silo, so a dead silo's grains come back in about 10 s. Every Orleans
    /// <see cref="ClusterMembershipOptions"/> setting can still be overridden in section "Silo:Membership";
    /// Orleans validates them at start.
    /// </summary>
    public static ISiloBuilder UseRealtimeFailureDetection(this ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
        });
        silo.Configure<ClusterMembershipOptions>(silo.Configuration.GetSection(MembershipSection));
        return silo;
    }

    /// <summary>
    /// Grain state in Orleans' binary format instead of its default, Newtonsoft JSON: a storage
    /// write serializes the whole state inside the grain's turn, and a 10,000-member workspace
    /// took over a second of it in JSON under load, holding up every join behind it. State written
    /// as JSON before still reads (the JSON serializer is the fallback).
    /// </summary>
    private static ISiloBuilder UseBinaryGrainStorageSerializer(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IGrainStorageSerializer>(services => new GrainStorageSerializer(
            new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
            new JsonGrainStorageSerializer(services.GetRequiredService<OrleansJsonSerializer>())));
        return silo;
    }

    /// <summary>
    /// Grain storage (including PubSubStore), reminders and the grain-to-edge stream provider.
    /// Everything a realtime silo needs except clustering, so test clusters reuse it as is.
    /// </summary>
    public static ISiloBuilder AddRealtimeGrainServices(this ISiloBuilder silo, RealtimeSiloOptions options, string? redisConnectionString)
    {
        RequireRedisWhenChosen(options, redisConnectionString);
        silo.UseBinaryGrainStorageSerializer();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IGrainTypeProvider, OrleansDashboardGrainType>());

        if (options.Persistence == StorageProvider.Redis)
        {
            var redis = ConfigurationOptions.Parse(redisConnectionString!);
            silo.AddRedisGrainStorage(StorageNames.Realtime, o => o.ConfigurationOptions = redis);
            silo.AddRedisGrainStorage(StreamNames.PubSubStore, o => o.ConfigurationOptions = redis);
            silo.Services.AddSingleton(_ => new RedisConnection(redis));
            silo.Services.AddSingleton<IBroadcastLog, RedisBroadcastLog>();
            silo.Services.AddSingleton<IIdempotencyStore, RedisIdempotencyStore>();
        }
        else
        {
            silo.AddMemoryGrainStorage(StorageNames.Realtime);
            silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
            silo.Services.AddSingleton<IBroadcastLog, MemoryBroadcastLog>();
            silo.Services.AddSingleton<IIdempotencyStore, MemoryIdempotencyStore>();
        }

        if (options.Reminders == StorageProvider.Redis)
        {
            silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redisConnectionString!));
        }
        else
        {
            silo.UseInMemoryReminderService();
        }

        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = options.MinimumReminderPeriod);

        silo.AddMemoryStreams(StreamNames.Provider, streams =>
            streams.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = options.StreamPollingPeriod;
                o.BatchContainerBatchSize = options.StreamDeliveryBatchSize;
            })));

        // The grains' sections; validated when the silo starts (a test cluster's silos too).
        silo.Services.AddValidatedOptions<PresenceOptions>(silo.Configuration, PresenceOptions.SectionName);
        silo.Services.AddValidatedOptions<RecoveryOptions>(silo.Configuration, RecoveryOptions.SectionName);
        silo.Services.AddValidatedOptions<NotificationOptions>(silo.Configuration, NotificationOptions.SectionName);
        silo.Services.AddValidatedOptions<InboxOptions>(silo.Configuration, InboxOptions.SectionName)
            .Validate(o => o.SlaReminderPeriod >= options.MinimumReminderPeriod, $"{InboxOptions.SectionName}:{nameof(InboxOptions.SlaReminderPeriod)}: must be at least {RealtimeSiloOptions.SectionName}:{nameof(RealtimeSiloOptions.MinimumReminderPeriod)} ({options.MinimumReminderPeriod}).");
        silo.Services.AddValidatedOptions<StatsOptions>(silo.Configuration, StatsOptions.SectionName);
        silo.Services.AddValidatedOptions<WebhookOptions>(silo.Configuration, WebhookOptions.SectionName)
            .Validate(o => o.ReminderPeriod >= options.MinimumReminderPeriod, $"{WebhookOptions.SectionName}:{nameof(WebhookOptions.ReminderPeriod)}: must be at least {RealtimeSiloOptions.SectionName}:{nameof(RealtimeSiloOptions.MinimumReminderPeriod)} ({options.MinimumReminderPeriod}).");
        silo.Services.TryAddSingleton<WebhookEvents>();

        // A redirect is a failed attempt, not a POST turned into a GET somewhere else.
        silo.Services.AddHttpClient<IWebhookSender, HttpWebhookSender>(HttpWebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        silo.Services.TryAddSingleton<SiloStatsRollup>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<SiloStatsRollup>());
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<RealtimeGrainMetrics>();
        return silo;
    }

    private static void RequireRedisWhenChosen(RealtimeSiloOptions options, string? redisConnectionString)
    {
        var needsRedis = options.Persistence == StorageProvider.Redis || options.Reminders == StorageProvider.Redis;
        if (needsRedis && string.IsNullOrWhiteSpace(redisConnectionString))
        {
            throw new OptionsValidationException(
                RealtimeClusterOptions.SectionName,
                typeof(RealtimeClusterOptions),
                [$"{RealtimeClusterOptions.SectionName}:{nameof(RealtimeClusterOptions.RedisConnectionString)}: is required when Silo:Persistence or Silo:Reminders is Redis."]);
        }
    }
}
