using Realtime.Grains;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.Grains;

/// <summary>
/// The inbox over time, driven by a FakeTimeProvider (grains, grain timers and reminders on the
/// test clock): SLA escalation at the deadline, once, cancelled by a reply, carried across
/// deactivation by the reminder; typing that lapses.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(FakeTimeClusterCollection.Name)]
public sealed class InboxTimeTests(FakeTimeClusterFixture fixture)
{
    private static readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock = RealtimeTestClusterFixture.FakeTime;
    private static readonly TimeSpan Sla = TimeSpan.FromMinutes(10);
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private IClusterClient Client => fixture.Cluster.Client;

    private InboxService Inbox => new(Client);

    [Fact]
    public async Task A_conversation_waiting_past_its_sla_escalates_once_at_the_deadline()
    {
        await using var edge = await ConnectAgentAsync();
        await Inbox.AssignConversation(_workspaceId, "conv-1", "agent");
        await Inbox.SetSla(_workspaceId, "conv-1", Sla);
        var waitingSince = Clock.GetUtcNow();
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Where is my order?");

        await AdvanceAsync(Sla - TimeSpan.FromSeconds(5));
        await MarkerAsync(edge, ConversationStatus.Pending);
        Assert.Empty(Escalations(edge));
        Assert.Empty(await EscalationNotificationsAsync("agent"));

        await AdvanceAsync(TimeSpan.FromSeconds(6));
        var evt = await edge.Events.WaitForAsync(Clock, e => e.Payloads<SlaEscalation>(RealtimeEvents.InboxSlaEscalation).Any(), "the escalation");
        Assert.Equal(
            [EventAudience.InGroup(_workspaceId, InterestGroups.Inbox), EventAudience.InGroup(_workspaceId, InterestGroups.InboxConversation("conv-1"))],
            evt.Deliveries.Select(d => d.Audience));
        var escalation = Assert.IsType<SlaEscalation>(evt.Deliveries[0].Payload);
        Assert.Equal(new SlaEscalation(_workspaceId, "conv-1", "agent", waitingSince, waitingSince + Sla), escalation with { RecoveryPosition = null });
        Assert.NotNull(RecoveryPosition.ReadFrom(escalation, _workspaceId));
        var delivered = await edge.Events.WaitForAsync(Clock, e => e.Payloads<Notification>(RealtimeEvents.Notification).Any(), "the assignee's notification");
        Assert.Equal(EventAudience.User(_workspaceId, "agent"), Assert.Single(delivered.Deliveries).Audience);
        var notification = Assert.Single(await EscalationNotificationsAsync("agent"));
        Assert.Contains("\"conversationId\":\"conv-1\"", notification.Data!.Json, StringComparison.Ordinal);
        Assert.True(notification.CreatedAt >= waitingSince + Sla, "not before the deadline");

        // Reminder periods pass, the grain is even reactivated from storage: nothing more.
        await AdvanceAsync(FakeTimeClusterFixture.SlaReminderPeriod * 3);
        await GrainActivations.DeactivateAsync(Client, Conversation("conv-1"));
        await AdvanceAsync(FakeTimeClusterFixture.SlaReminderPeriod * 3);
        await MarkerAsync(edge, ConversationStatus.Open);
        Assert.Single(Escalations(edge));
        Assert.Single(await EscalationNotificationsAsync("agent"));
        Assert.True((await Inbox.GetConversation(_workspaceId, "conv-1"))!.Escalated);
    }

    [Fact]
    public async Task A_team_reply_before_the_deadline_cancels_the_escalation_and_the_next_wait_has_its_own()
    {
        await using var edge = await ConnectAgentAsync();
        await Inbox.AssignConversation(_workspaceId, "conv-1", "agent");
        await Inbox.SetSla(_workspaceId, "conv-1", Sla);
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello?");

        await AdvanceAsync(Sla / 2);
        await Inbox.AddTeamMessage(_workspaceId, "conv-1", "m2", "agent", "Hi! Checking.");
        var replied = await Inbox.GetConversation(_workspaceId, "conv-1");
        Assert.Equal((null, null, false), (replied!.WaitingSince, replied.SlaDeadline, replied.Escalated));

        await AdvanceAsync(Sla + FakeTimeClusterFixture.SlaReminderPeriod * 2);
        await MarkerAsync(edge, ConversationStatus.Pending);
        Assert.Empty(Escalations(edge));
        Assert.Empty(await EscalationNotificationsAsync("agent"));

        var secondWait = Clock.GetUtcNow();
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m3", "customer-1", "Any news?");
        await AdvanceAsync(Sla + TimeSpan.FromSeconds(1));
        await edge.Events.WaitForAsync(Clock, e => e.Payloads<SlaEscalation>(RealtimeEvents.InboxSlaEscalation).Any(), "the second wait's escalation");
        Assert.Equal(secondWait, Assert.Single(Escalations(edge)).WaitingSince);
    }

    [Fact]
    public async Task Resolving_or_clearing_the_sla_cancels_the_escalation()
    {
        await using var edge = await ConnectAgentAsync();
        await Inbox.SetSla(_workspaceId, "conv-1", Sla);
        await Inbox.SetSla(_workspaceId, "conv-2", Sla);
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello?");
        await Inbox.AddCustomerMessage(_workspaceId, "conv-2", "m1", "customer-2", "Hello?");

        await Inbox.UpdateConversationStatus(_workspaceId, "conv-1", ConversationStatus.Resolved);
        await Inbox.ClearSla(_workspaceId, "conv-2");
        await AdvanceAsync(Sla * 2);
        await MarkerAsync(edge, ConversationStatus.Open);

        Assert.Empty(Escalations(edge));
        Assert.False((await Inbox.GetConversation(_workspaceId, "conv-2"))!.Escalated);
    }

    [Fact]
    public async Task A_pending_escalation_survives_deactivation_the_reminder_brings_the_grain_back()
    {
        await using var edge = await ConnectAgentAsync();
        await Inbox.AssignConversation(_workspaceId, "conv-1", "agent");
        await Inbox.SetSla(_workspaceId, "conv-1", Sla);
        var waitingSince = Clock.GetUtcNow();
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Where is my order?");

        // As after a silo restart: no activation, no timer; the persisted deadline and the reminder remain.
        await GrainActivations.DeactivateAsync(Client, Conversation("conv-1"));
        await AdvanceAsync(Sla + TimeSpan.FromSeconds(1));

        await edge.Events.WaitForAsync(Clock, e => e.Payloads<SlaEscalation>(RealtimeEvents.InboxSlaEscalation).Any(), "the escalation after reactivation");
        Assert.Equal(waitingSince + Sla, Assert.Single(Escalations(edge)).Deadline);
        await Eventually.UntilAsync(() => EscalationNotificationsAsync("agent"), n => n.Count == 1, "the assignee's notification");

        await GrainActivations.DeactivateAsync(Client, Conversation("conv-1"));
        await AdvanceAsync(FakeTimeClusterFixture.SlaReminderPeriod * 3);
        await MarkerAsync(edge, ConversationStatus.Pending);
        Assert.Single(Escalations(edge));
        Assert.Single(await EscalationNotificationsAsync("agent"));
    }

    [Fact]
    public async Task Typing_lapses_by_itself_unless_renewed()
    {
        var timeout = FakeTimeClusterFixture.InboxTypingTimeout;
        await using var edge = await ConnectAgentAsync();
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello");
        var started = Clock.GetUtcNow();
        await Conversation("conv-1").SetTyping("agent", true, "a1");
        await edge.Events.WaitForAsync(Clock, e => e.Payloads<InboxTyping>(RealtimeEvents.InboxTyping).Any(t => t.IsTyping), "typing true");

        // Renewed halfway, counted from the start: waiting for the event moved the clock on too.
        await AdvanceAsync(started + timeout / 2 - Clock.GetUtcNow());
        await Conversation("conv-1").SetTyping("agent", true, "a1");

        // Past the first lapse time by a quarter of the timeout: still typing.
        await AdvanceAsync(started + timeout * 1.25 - Clock.GetUtcNow());
        await MarkerAsync(edge, ConversationStatus.Pending);
        Assert.DoesNotContain(edge.Events.Snapshot(), e => e.Payloads<InboxTyping>(RealtimeEvents.InboxTyping).Any(t => !t.IsTyping));

        await AdvanceAsync(timeout);
        var lapse = await edge.Events.WaitForAsync(Clock, e => e.Payloads<InboxTyping>(RealtimeEvents.InboxTyping).Any(t => !t.IsTyping), "typing lapsed");
        Assert.All(lapse.Deliveries, d => Assert.Equal(new InboxTyping("agent", "conv-1", false), d.Payload));
        Assert.All(lapse.Deliveries, d => Assert.Equal("a1", d.Audience.ExceptConnectionId));
    }

    private IUserPresenceGrain Agent => Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, "agent"));

    /// <summary>An edge the workspace knows: the agent has a connection there.</summary>
    private async Task<EdgeStreamProbe> ConnectAgentAsync()
    {
        var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await Agent.Connect(new EdgeConnection("a1", edge.EdgeId));
        return edge;
    }

    /// <summary>
    /// Moves the clock on a minute at a time, the agent's edge vouching for its connection in
    /// between as a live edge would: else the stale-presence sweep removes it, and with it the
    /// only edge the workspace's events go to.
    /// </summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        var step = TimeSpan.FromMinutes(1);
        while (by > TimeSpan.Zero)
        {
            Assert.Empty(await Agent.Heartbeat(["a1"]));
            var next = by < step ? by : step;
            Clock.Advance(next);
            by -= next;
        }

        Assert.Empty(await Agent.Heartbeat(["a1"]));
    }

    /// <summary>A later event of the conversation: once it is in, what came before is in too.</summary>
    private async Task MarkerAsync(EdgeStreamProbe edge, ConversationStatus status)
    {
        var marker = await Inbox.UpdateConversationStatus(_workspaceId, "conv-1", status);
        await edge.Events.WaitForAsync(Clock, e => e.Payloads<Conversation>(RealtimeEvents.InboxConversationUpdate).Any(c => c.UpdatedAt == marker.UpdatedAt && c.Status == status), $"the marker ({status})");
    }

    private static List<SlaEscalation> Escalations(EdgeStreamProbe edge) =>
        edge.Events.Snapshot().Select(e => e.Payloads<SlaEscalation>(RealtimeEvents.InboxSlaEscalation).FirstOrDefault()).OfType<SlaEscalation>().ToList();

    private async Task<List<Notification>> EscalationNotificationsAsync(string userId) =>
        (await Client.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId)).List(null, 100, unreadOnly: false))
            .Notifications.Where(n => n.Type == NotificationTypes.SlaEscalation).ToList();

    private IConversationGrain Conversation(string conversationId) =>
        Client.GetGrain<IConversationGrain>(RealtimeIds.ConversationInWorkspace(_workspaceId, conversationId));
}
