using System.Globalization;
using Orleans.TestingHost;
using Realtime.Grains.Webhooks;

namespace Realtime.SystemTests.Grains;

/// <summary>
/// A cluster of its own (it loses a silo): 2 silos on Redis storage, clustering and reminders,
/// sending webhooks to a receiver that is not up until the test starts it.
/// </summary>
public sealed class WebhookFailoverClusterFixture : RealtimeTestClusterFixture
{
    public WebhookFailoverClusterFixture()
    {
        Settings = new Dictionary<string, string>
        {
            ["Webhooks:Endpoints:0:Url"] = $"http://127.0.0.1:{ReceiverPort}/hooks",
            ["Webhooks:Endpoints:0:Secret"] = WebhookReceiver.Secret,
            ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
            ["Webhooks:MaxRetryDelay"] = "00:00:01",
            ["Webhooks:ReminderPeriod"] = "00:00:01",
        };
    }

    /// <summary>Chosen before the silos start; nothing listens on it until a test starts the receiver.</summary>
    public int ReceiverPort { get; } = RedisServer.FreePort();

    protected override string? RedisConnectionString => RedisServer.ConnectionString;

    protected override IReadOnlyDictionary<string, string> Settings { get; }
}

/// <summary>Webhooks waiting for a receiver that is down survive the silo that holds them stopping.</summary>
[Trait("Kind", "System")]
public sealed class WebhookFailoverTests(WebhookFailoverClusterFixture fixture) : IClassFixture<WebhookFailoverClusterFixture>
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Webhooks_waiting_for_a_dead_receiver_are_delivered_in_order_after_their_silo_stopped()
    {
        var outbox = Cluster.Client.GetGrain<IWebhookOutboxGrain>(WebhookOutboxKey.For(_workspaceId, "alice"));
        var published = Enumerable.Range(1, 3)
            .Select(i => new WebhookEvent(
                WebhookEventTypes.NotificationRead,
                WebhookEvents.NewId(),
                DateTimeOffset.UtcNow,
                _workspaceId,
                "alice",
                $$"""{"notificationId":"n-{{i.ToString(CultureInfo.InvariantCulture)}}","all":false,"unreadCount":{{(3 - i).ToString(CultureInfo.InvariantCulture)}}}"""))
            .ToList();
        foreach (var webhook in published)
        {
            await outbox.Publish(webhook, cancelScheduled: null);
        }

        var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var host = statistics.Single(s => s.GrainId == outbox.GetGrainId()).SiloAddress;
        await Cluster.StopSiloAsync(Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));

        await using var receiver = await WebhookReceiver.StartAsync(fixture.ReceiverPort);
        await receiver.WaitForDeliveredAsync(w => w.Id == published[^1].Id, "the last webhook, from the silo left", TimeSpan.FromSeconds(60));

        var delivered = receiver.Delivered();
        Assert.Equal(published.Select(w => w.Id), delivered.Select(w => w.Id));
        Assert.All(delivered, w => Assert.True(w.Verified, $"signature of {w}"));
        Assert.Equal("n-1", delivered[0].Data.GetProperty("notificationId").GetString());
    }
}
