using Orleans.TestingHost;
using Realtime.Grains;
using Realtime.Grains.Inbox;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.Grains;

/// <summary>Conversation grains on a 2-silo cluster; run on in-memory and on Redis providers.</summary>
public abstract class InboxGrainTests(TestCluster cluster)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private IClusterClient Client => cluster.Client;

    private InboxService Inbox => new(Client);

    [Fact]
    public async Task Messages_and_updates_go_to_the_inbox_subscribers_of_the_workspace_and_of_the_conversation()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("agent").Connect(new EdgeConnection("a1", edge.EdgeId));

        var message = await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Where is my order?", new { channel = "instagram" });
        var assigned = await Inbox.AssignConversation(_workspaceId, "conv-1", "agent");

        var messageEvent = await edge.Events.WaitForAsync(e => e.Payloads<InboxMessage>(RealtimeEvents.InboxMessage).Any(), "the message");
        Assert.Equal(RealtimeHubs.Inbox, messageEvent.Hubs);
        Assert.Equal(SubscriberAudiences("conv-1"), messageEvent.Deliveries.Select(d => d.Audience));
        Assert.All(messageEvent.Deliveries, d => Assert.Equal(message, Assert.IsType<InboxMessage>(d.Payload) with { RecoveryPosition = null }));
        Assert.Equal((_workspaceId, "conv-1", "customer-1", true), (message.WorkspaceId, message.ConversationId, message.AuthorId, message.FromCustomer));
        Assert.Equal("""{"channel":"instagram"}""", message.Data!.Json);

        var updateEvent = await edge.Events.WaitForAsync(e => e.Payloads<Conversation>(RealtimeEvents.InboxConversationUpdate).Any(), "the update");
        Assert.Equal(SubscriberAudiences("conv-1"), updateEvent.Deliveries.Select(d => d.Audience));
        var update = Assert.IsType<Conversation>(updateEvent.Deliveries[0].Payload);
        Assert.Equal(assigned, update with { Participants = assigned.Participants, RecoveryPosition = null });
        Assert.Equal(("agent", ConversationStatus.Open, false), (update.Assignee, update.Status, update.Escalated));
        Assert.Equal(["agent"], update.Participants);
        Assert.Equal(new LastMessage("m1", "customer-1", true, message.SentAt), update.LastMessage);
        Assert.Equal(message.SentAt, update.WaitingSince);
        Assert.Null(update.SlaDeadline);
    }

    [Fact]
    public async Task Conversation_state_is_persisted_and_survives_deactivation()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello");
        await Inbox.AddTeamMessage(_workspaceId, "conv-1", "m2", "agent-2", "Hi, how can I help?");
        await Inbox.AssignConversation(_workspaceId, "conv-1", "agent-1");
        await Inbox.UpdateConversationStatus(_workspaceId, "conv-1", ConversationStatus.Pending);
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m3", "customer-1", "My order #12");
        var before = await Inbox.SetSla(_workspaceId, "conv-1", TimeSpan.FromHours(1));

        await GrainActivations.DeactivateAsync(Client, Conversation("conv-1"));
        var after = await Inbox.GetConversation(_workspaceId, "conv-1");

        Assert.NotNull(after);
        Assert.Equal(before with { Participants = [] }, after with { Participants = [], RecoveryPosition = null });
        Assert.NotNull(after.RecoveryPosition);
        Assert.Equal(["agent-2", "agent-1"], after.Participants);
        Assert.Equal(("agent-1", ConversationStatus.Pending), (after.Assignee, after.Status));
        Assert.Equal(new LastMessage("m3", "customer-1", true, after.LastMessage!.SentAt), after.LastMessage);
        Assert.Equal(after.WaitingSince + TimeSpan.FromHours(1), after.SlaDeadline);
    }

    [Fact]
    public async Task A_retried_message_is_taken_once()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("agent").Connect(new EdgeConnection("a1", edge.EdgeId));

        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello");
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello");
        await Inbox.AddTeamMessage(_workspaceId, "conv-1", "m2", "agent", "Hi");

        await edge.Events.WaitForAsync(e => e.Payloads<InboxMessage>(RealtimeEvents.InboxMessage).Any(m => m.MessageId == "m2"), "the message after");
        Assert.Equal(["m1", "m2"], edge.Events.Snapshot().SelectMany(e => e.Payloads<InboxMessage>(RealtimeEvents.InboxMessage)).Select(m => m.MessageId).Distinct().ToList());
        Assert.Single(edge.Events.Snapshot(), e => e.Payloads<InboxMessage>(RealtimeEvents.InboxMessage).Any(m => m.MessageId == "m1"));
    }

    [Theory]
    [InlineData("conv-1", "", "customer-1", 5, 0)]
    [InlineData("conv-1", "m/1", "customer-1", 5, 0)]
    [InlineData("conv-1", "m1", "", 5, 0)]
    [InlineData("conv-1", "m1", "customer-1", InboxMessageRules.MaxContentLength + 1, 0)]
    [InlineData("conv-1", "m1", "customer-1", 5, InboxMessageRules.MaxDataBytes)]
    [InlineData("conv/1", "m1", "customer-1", 5, 0)]
    public async Task Bad_messages_are_refused_and_nothing_is_stored(string conversationId, string messageId, string authorId, int contentLength, int dataBytes)
    {
        var data = dataBytes > 0 ? new { blob = new string('x', dataBytes) } : null;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Inbox.AddCustomerMessage(_workspaceId, conversationId, messageId, authorId, new string('c', contentLength), data));

        Assert.Null(await Conversation("conv-1").Get());
    }

    [Fact]
    public async Task Bad_assignments_and_slas_are_refused()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Inbox.AssignConversation(_workspaceId, "conv-1", "not ok"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Conversation("conv-1").Assign("a/b"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Inbox.SetSla(_workspaceId, "conv-1", TimeSpan.Zero));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Conversation("conv-1").SetSla(TimeSpan.FromMinutes(-5)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Conversation("conv-1").SetStatus((ConversationStatus)42));

        var conversation = await Inbox.GetConversation(_workspaceId, "conv-1");
        Assert.Equal((null, ConversationStatus.Open, null), (conversation!.Assignee, conversation.Status, conversation.SlaDeadline));
    }

    [Fact]
    public async Task Typing_and_reading_an_unknown_or_another_workspaces_conversation_are_refused_and_create_nothing()
    {
        var otherWorkspace = $"ws-{Guid.NewGuid():N}";
        await Inbox.AddCustomerMessage(otherWorkspace, "theirs", "m1", "customer-1", "Hello");

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Conversation("unknown").SetTyping("agent", true, "a1"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Conversation("unknown").MarkRead("agent", "m1", "a1"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Conversation("theirs").SetTyping("agent", true, "a1"));

        Assert.Null(await Conversation("unknown").Get());
        Assert.Null(await Conversation("theirs").Get());
        Assert.NotNull(await Inbox.GetConversation(otherWorkspace, "theirs"));
    }

    [Fact]
    public async Task Typing_and_read_receipts_go_to_the_others_and_a_reply_ends_the_authors_typing()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await PresenceOf("agent").Connect(new EdgeConnection("a1", edge.EdgeId));
        await Inbox.AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hello");

        await Conversation("conv-1").SetTyping("agent", true, "a1");
        await Conversation("conv-1").SetTyping("agent", true, "a1");
        var receipt = await Conversation("conv-1").MarkRead("lead", "m1", "l1");
        await Inbox.AddTeamMessage(_workspaceId, "conv-1", "m2", "agent", "On it");

        var typing = await edge.Events.WaitForAsync(e => e.Payloads<InboxTyping>(RealtimeEvents.InboxTyping).Any(t => t.IsTyping), "typing");
        Assert.Equal(SubscriberAudiences("conv-1", except: "a1"), typing.Deliveries.Select(d => d.Audience));
        Assert.Equal(new InboxTyping("agent", "conv-1", true), typing.Deliveries[0].Payload);
        var read = await edge.Events.WaitForAsync(e => e.Payloads<InboxReadReceipt>(RealtimeEvents.InboxReadReceipt).Any(), "the receipt");
        Assert.Equal(SubscriberAudiences("conv-1", except: "l1"), read.Deliveries.Select(d => d.Audience));
        Assert.Equal(new InboxReadReceipt("conv-1", "m1", "lead", receipt.ReadAt), Assert.IsType<InboxReadReceipt>(read.Deliveries[0].Payload) with { RecoveryPosition = null });

        var stopped = await edge.Events.WaitForAsync(e => e.Payloads<InboxTyping>(RealtimeEvents.InboxTyping).Any(t => !t.IsTyping), "typing ended by the reply");
        Assert.Equal(SubscriberAudiences("conv-1", except: "a1"), stopped.Deliveries.Select(d => d.Audience));
        var events = edge.Events.Snapshot().ToList();
        Assert.Single(events, e => e.Payloads<InboxTyping>(RealtimeEvents.InboxTyping).Any(t => t.IsTyping));
        Assert.True(
            events.FindIndex(e => e.Payloads<InboxMessage>(RealtimeEvents.InboxMessage).Any(m => m.MessageId == "m2")) < events.IndexOf(stopped),
            "the reply comes before its author stops typing");
    }

    private EventAudience[] SubscriberAudiences(string conversationId, string? except = null) =>
    [
        EventAudience.InGroup(_workspaceId, InterestGroups.Inbox, except),
        EventAudience.InGroup(_workspaceId, InterestGroups.InboxConversation(conversationId), except),
    ];

    private IConversationGrain Conversation(string conversationId) =>
        Client.GetGrain<IConversationGrain>(RealtimeIds.ConversationInWorkspace(_workspaceId, conversationId));

    private IUserPresenceGrain PresenceOf(string userId) =>
        Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));
}

[Trait("Kind", "System")]
[Collection(InMemoryClusterCollection.Name)]
public sealed class InMemoryInboxGrainTests(InMemoryClusterFixture fixture) : InboxGrainTests(fixture.Cluster);

[Trait("Kind", "System")]
[Collection(RedisClusterCollection.Name)]
public sealed class RedisInboxGrainTests(RedisClusterFixture fixture) : InboxGrainTests(fixture.Cluster);
