using Orleans.TestingHost;
using Realtime.Grains;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;

namespace Realtime.SystemTests.Grains;

/// <summary>A cluster of its own (it loses a silo): 2 silos on Redis storage, clustering and reminders; SLA reminders every second.</summary>
public sealed class InboxFailoverClusterFixture : RealtimeTestClusterFixture
{
    protected override string? RedisConnectionString => RedisServer.ConnectionString;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Inbox:SlaReminderPeriod"] = "00:00:01",
    };
}

/// <summary>The silo hosting a conversation with a pending SLA deadline stops before the deadline.</summary>
[Trait("Kind", "System")]
public sealed class InboxFailoverTests(InboxFailoverClusterFixture fixture) : IClassFixture<InboxFailoverClusterFixture>
{
    private static readonly TimeSpan Sla = TimeSpan.FromSeconds(6);
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_pending_escalation_fires_once_after_the_silo_hosting_the_conversation_stops()
    {
        var inbox = new InboxService(Cluster.Client);
        await inbox.AssignConversation(_workspaceId, "conv-1", "agent");
        await inbox.SetSla(_workspaceId, "conv-1", Sla);
        var message = await inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Where is my order?");

        var host = await SiloHostingAsync(Conversation);
        await Cluster.StopSiloAsync(Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));
        Assert.True(DateTimeOffset.UtcNow < message.SentAt + Sla, "the silo stopped before the deadline");

        // Nothing calls the conversation now: only its reminder, in Redis, can bring it back on the other silo.
        var notifications = await Eventually.UntilAsync(
            () => Eventually.SucceedsAsync(EscalationNotificationsAsync),
            n => n.Count > 0,
            "the assignee's escalation notification",
            TimeSpan.FromSeconds(30));
        Assert.Contains("\"conversationId\":\"conv-1\"", Assert.Single(notifications).Data!.Json, StringComparison.Ordinal);
        Assert.True(notifications[0].CreatedAt >= message.SentAt + Sla, "not before the deadline");

        // Reactivated from storage once more: the persisted flag holds.
        var escalated = await Eventually.UntilAsync(() => Conversation.Get(), c => c is { Escalated: true }, "the conversation escalated");
        Assert.Equal(message.SentAt + Sla, escalated!.SlaDeadline);
        await GrainActivations.DeactivateAsync(Cluster.Client, Conversation);
        Assert.True((await Conversation.Get())!.Escalated);
        await inbox.UpdateConversationStatus(_workspaceId, "conv-1", ConversationStatus.Pending);
        Assert.Single(await EscalationNotificationsAsync());
    }

    private IConversationGrain Conversation => Cluster.Client.GetGrain<IConversationGrain>(RealtimeIds.ConversationInWorkspace(_workspaceId, "conv-1"));

    private async Task<List<Notification>> EscalationNotificationsAsync() =>
        (await Cluster.Client.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(_workspaceId, "agent")).List(null, 100, unreadOnly: false))
            .Notifications.Where(n => n.Type == NotificationTypes.SlaEscalation).ToList();

    private async Task<SiloAddress> SiloHostingAsync(IAddressable grain)
    {
        var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Single(s => s.GrainId == grain.GetGrainId()).SiloAddress;
    }
}
