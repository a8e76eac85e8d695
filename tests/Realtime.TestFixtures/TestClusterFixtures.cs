using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Reminders;
using Orleans.TestingHost;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Streaming;
using Realtime.Silo.Hosting;
using StackExchange.Redis;

namespace Realtime.TestFixtures;

/// <summary>
/// A 2-silo Orleans TestCluster with the realtime grain services. The in-memory variant uses
/// the embedded-default providers; the Redis variant a real Redis server for clustering, grain
/// storage (PubSubStore too) and reminders, over real TCP between silos. Variants may set
/// options ("Presence:SummaryThreshold" ...) and run grains on a FakeTimeProvider.
/// </summary>
public abstract class RealtimeTestClusterFixture : IAsyncLifetime
{
    private const string RedisKey = "RealtimeTests:Redis";
    private const string FakeTimeKey = "RealtimeTests:FakeTime";

    /// <summary>The clock of grains in fake-time clusters; one such cluster runs at a time (tests run sequentially).</summary>
    public static FakeTimeProvider FakeTime { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; private set; } = null!;

    protected virtual string? RedisConnectionString => null;

    protected virtual bool UseFakeTime => false;

    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

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

        if (UseFakeTime)
        {
            builder.Properties[FakeTimeKey] = "true";
        }

        foreach (var (key, value) in Settings)
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Configure(builder);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        if (UseFakeTime)
        {
            await WaitForReminderServicesAsync();
        }
    }

    /// <summary>
    /// On the fake clock, a reminder service whose first read of the reminder table failed (the
    /// table grain still starting) retries only when fake time passes, and registering a reminder
    /// fails 20 s later with "still initializing". Let fake time pass until every silo's service
    /// takes reminders (probes with many keys reach both silos' ranges).
    /// </summary>
    private async Task WaitForReminderServicesAsync()
    {
        var probes = Enumerable.Range(0, 16).Select(i => Cluster.Client.GetGrain<IReminderProbeGrain>($"fixture-reminders-{i}")).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        foreach (var probe in probes)
        {
            while (true)
            {
                try
                {
                    await probe.Start(TimeSpan.FromHours(1)).WaitAsync(TimeSpan.FromSeconds(2));
                    break;
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException && DateTime.UtcNow < deadline)
                {
                    FakeTime.Advance(TimeSpan.FromSeconds(30));
                }
            }

            await probe.Stop();
        }
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>More for a variant's silos or client (configurators are created by type, so what they share is static).</summary>
    protected virtual void Configure(TestClusterBuilder builder)
    {
    }

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

            if (siloBuilder.Configuration[FakeTimeKey] == "true")
            {
                // Grains, grain timers and reminders on the test clock; membership and messaging on real time.
                siloBuilder.Services.AddSingleton<TimeProvider>(FakeTime);
                siloBuilder.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
                siloBuilder.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, FakeTime);
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

public sealed class InMemoryClusterFixture : RealtimeTestClusterFixture;

public sealed class RedisClusterFixture : RealtimeTestClusterFixture
{
    protected override string? RedisConnectionString => RedisServer.ConnectionString;
}

/// <summary>Grains on a FakeTimeProvider: idle time, typing lapses, the sweep reminder and edge leases are driven by the test.</summary>
public sealed class FakeTimeClusterFixture : RealtimeTestClusterFixture
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan TypingTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StaleConnectionTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(5);
    /// <summary>
    /// Long against the fake time a wait moves the clock on (<c>FakeClockPump</c>: more the busier
    /// the machine), so that a test's margins around the lapse hold on a loaded machine.
    /// </summary>
    public static readonly TimeSpan InboxTypingTimeout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan SlaReminderPeriod = TimeSpan.FromMinutes(1);

    protected override bool UseFakeTime => true;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Presence:IdleTimeout"] = "00:05:00",
        ["Presence:TypingTimeout"] = "00:00:05",
        ["Presence:StaleConnectionTimeout"] = "00:03:00",
        ["Presence:SweepInterval"] = "00:05:00",
        ["Presence:EdgeLeaseCheckInterval"] = "00:00:02",
        ["Presence:EdgeLeaseReminderPeriod"] = "00:01:00",
        ["Inbox:TypingTimeout"] = "00:01:00",
        ["Inbox:SlaReminderPeriod"] = "00:01:00",
    };
}

/// <summary>Low thresholds, so that coalescing and summaries show with a handful of users.</summary>
public sealed class SmallThresholdClusterFixture : RealtimeTestClusterFixture
{
    public const int ImmediateBroadcastLimit = 3;
    public const int SummaryThreshold = 6;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Presence:ImmediateBroadcastLimit"] = "3",
        ["Presence:SummaryThreshold"] = "6",
        ["Presence:CoalesceInterval"] = "00:00:00.200",
    };
}

/// <summary>
/// A cluster of its own for the cluster stats, whose totals span everything the cluster ever saw;
/// both silos count the calls the cluster stats grain takes.
/// </summary>
public sealed class StatsClusterFixture : RealtimeTestClusterFixture
{
    public static GrainCallCounter StatsGrainCalls { get; } = new(typeof(IClusterStatsGrain));

    protected override void Configure(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<CountStatsGrainCalls>();

    private sealed class CountStatsGrainCalls : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddIncomingGrainCallFilter(StatsGrainCalls);
    }
}
