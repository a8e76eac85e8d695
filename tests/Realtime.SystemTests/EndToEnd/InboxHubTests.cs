using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Inbox;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>
/// /inbox over real sockets, subscribers spread over the system's edges: each event reaches the
/// connections that subscribed to it (the whole inbox, or that conversation), in their workspace
/// only; bad input is refused without side effects.
/// </summary>
public abstract class InboxHubTests(RealtimeSystem system)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private InboxService Inbox => new(system.EdgeService<IClusterClient>());

    [Fact]
    public async Task Messages_and_updates_reach_the_workspace_and_conversation_subscribers_only()
    {
        var otherWorkspace = $"ws-{Guid.NewGuid():N}";
        await Inbox.AddCustomerMessage(_workspaceId, "conv-a", "a1", "customer-1", "Hi");
        await Inbox.AddCustomerMessage(_workspaceId, "conv-b", "b1", "customer-2", "Hello");
        await Inbox.AddCustomerMessage(otherWorkspace, "conv-a", "x1", "customer-3", "Same conversation id, another workspace");
        await using var everything = await ConnectAsync("lead", edge: 0);
        await using var onA = await ConnectAsync("agent-a", edge: 1);
        await using var onB = await ConnectAsync("agent-b", edge: 0);
        await using var unsubscribed = await ConnectAsync("agent-c", edge: 1);
        await using var elsewhere = await ConnectAsync("lead", edge: 1, otherWorkspace);

        var all = await everything.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        Assert.Equal((_workspaceId, JsonValueKind.Null), (all.GetProperty("workspaceId").GetString(), all.GetProperty("conversationId").ValueKind));
        var a = await SubscribeAsync(onA, "conv-a");
        Assert.Equal("a1", a.GetProperty("conversation").GetProperty("lastMessage").GetProperty("messageId").GetString());
        Assert.Equal("open", a.GetProperty("conversation").GetProperty("status").GetString());
        await SubscribeAsync(onB, "conv-b");
        await elsewhere.Connection.InvokeAsync<JsonElement>("inbox:subscribe", new { });
        await everything.Events.WaitForAsync(e => e.Name == "inbox:subscribed", "the subscribed event");

        await Inbox.AddTeamMessage(_workspaceId, "conv-a", "a2", "agent-a", "On it", new { attachments = 0 });
        await Inbox.AssignConversation(_workspaceId, "conv-b", "agent-b");
        await Inbox.AddCustomerMessage(otherWorkspace, "conv-a", "x2", "customer-3", "Still there?");

        // Each connection's last event: what was published before it to the same edge is in by then.
        await Inbox.UpdateConversationStatus(_workspaceId, "conv-a", ConversationStatus.Pending);
        await Inbox.UpdateConversationStatus(_workspaceId, "conv-b", ConversationStatus.Pending);
        await WaitForUpdateAsync(everything, "conv-b", "pending");
        await WaitForUpdateAsync(onA, "conv-a", "pending");
        await WaitForUpdateAsync(onB, "conv-b", "pending");
        await elsewhere.Events.WaitForAsync(e => e.Name == "inbox:message" && MessageId(e) == "x2", "the other workspace's message");

        var message = everything.Events.Snapshot().Single(e => e.Name == "inbox:message");
        Assert.Equal(("conv-a", "a2", "agent-a", false), (ConversationId(message), MessageId(message), message.Payload.GetProperty("authorId").GetString(), message.Payload.GetProperty("fromCustomer").GetBoolean()));
        Assert.Equal("On it", message.Payload.GetProperty("content").GetString());
        Assert.Equal(0, message.Payload.GetProperty("data").GetProperty("attachments").GetInt32());
        Assert.EndsWith("Z", message.Payload.GetProperty("sentAt").GetString(), StringComparison.Ordinal);
        var assigned = everything.Events.Snapshot().First(e => e.Name == "inbox:conversation:update");
        Assert.Equal(("conv-b", "agent-b"), (ConversationId(assigned), assigned.Payload.GetProperty("assignee").GetString()));
        Assert.Equal(["conv-a", "conv-b"], InboxEvents(everything).Select(ConversationId).Distinct().Order());

        Assert.Equal(["inbox:message", "inbox:conversation:update"], InboxEvents(onA).Select(e => e.Name));
        Assert.All(InboxEvents(onA), e => Assert.Equal("conv-a", ConversationId(e)));
        Assert.Equal(["inbox:conversation:update", "inbox:conversation:update"], InboxEvents(onB).Select(e => e.Name));
        Assert.All(InboxEvents(onB), e => Assert.Equal("conv-b", ConversationId(e)));
        Assert.Equal(["x2"], InboxEvents(elsewhere).Select(MessageId));
        Assert.Empty(InboxEvents(unsubscribed));
    }

    [Fact]
    public async Task A_message_sent_the_moment_a_connection_subscribed_reaches_it()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m-open", "cust-1", "hello");
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                // Whole inbox and one conversation, on every edge in turn, each the first of its user there.
                var whole = await ConnectAsync($"agent-{i}", edge: i);
                var single = await ConnectAsync($"lead-{i}", edge: i + 1);
                clients.AddRange([whole, single]);
                await whole.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
                await SubscribeAsync(single, "c1");

                var sent = await Inbox.AddCustomerMessage(_workspaceId, "c1", $"m{i}", "cust-1", $"message {i}");

                foreach (var client in new[] { whole, single })
                {
                    await client.Events.WaitForAsync(e => e.Name == "inbox:message" && MessageId(e) == sent.MessageId, $"message {i} right after subscribing");
                }
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_connection_subscribed_to_the_whole_inbox_and_to_a_conversation_gets_each_event_once()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "conv-a", "a1", "customer-1", "Hi");
        await using var lead = await ConnectAsync("lead", edge: 1);

        await SubscribeAsync(lead, "conv-a");
        await lead.Connection.InvokeAsync<JsonElement>("inbox:subscribe", new { conversationId = (string?)null });
        await SubscribeAsync(lead, "conv-a");
        await Inbox.AddCustomerMessage(_workspaceId, "conv-a", "a2", "customer-1", "Anyone?");
        await Inbox.AddCustomerMessage(_workspaceId, "conv-b", "b1", "customer-2", "New conversation");

        await lead.Events.WaitForAsync(e => e.Name == "inbox:message" && MessageId(e) == "b1", "the other conversation's message");
        Assert.Equal(["a2", "b1"], InboxEvents(lead).Select(MessageId));
        Assert.Equal(3, lead.Events.Snapshot().Count(e => e.Name == "inbox:subscribed"));
    }

    [Fact]
    public async Task Typing_goes_to_the_other_subscribers_and_lapses_unless_renewed()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "conv-a", "a1", "customer-1", "Hi");
        await Inbox.AddCustomerMessage(_workspaceId, "conv-b", "b1", "customer-2", "Hello");
        await using var typist = await ConnectAsync("agent-a", edge: 0);
        await using var watchesAll = await ConnectAsync("lead", edge: 1);
        await using var watchesA = await ConnectAsync("agent-x", edge: 1);
        await using var watchesB = await ConnectAsync("agent-b", edge: 0);
        await SubscribeAsync(typist, "conv-a");
        await watchesAll.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        await SubscribeAsync(watchesA, "conv-a");
        await SubscribeAsync(watchesB, "conv-b");

        await typist.Connection.InvokeAsync("inbox:typing", new { conversationId = "conv-a", isTyping = true });
        foreach (var watcher in new[] { watchesAll, watchesA })
        {
            var typing = await watcher.Events.WaitForAsync(e => e.Name == "inbox:typing", "agent-a typing");
            Assert.Equal(("agent-a", "conv-a", true), (typing.Payload.GetProperty("userId").GetString(), ConversationId(typing), typing.Payload.GetProperty("isTyping").GetBoolean()));
        }

        // Not renewed: it lapses by itself.
        foreach (var watcher in new[] { watchesAll, watchesA })
        {
            await watcher.Events.WaitForAsync(e => e.Name == "inbox:typing" && !e.Payload.GetProperty("isTyping").GetBoolean(), "the typing lapsing");
        }

        await typist.Connection.InvokeAsync("inbox:typing", new { conversationId = "conv-a", isTyping = true });
        await typist.Connection.InvokeAsync("inbox:typing", new { conversationId = "conv-a", isTyping = false });

        await Inbox.UpdateConversationStatus(_workspaceId, "conv-b", ConversationStatus.Pending);
        await Inbox.UpdateConversationStatus(_workspaceId, "conv-a", ConversationStatus.Pending);
        await WaitForUpdateAsync(watchesB, "conv-b", "pending");
        await WaitForUpdateAsync(typist, "conv-a", "pending");
        await WaitForUpdateAsync(watchesAll, "conv-a", "pending");
        await WaitForUpdateAsync(watchesA, "conv-a", "pending");
        Assert.Equal([true, false, true, false], TypingStates(watchesAll));
        Assert.Equal([true, false, true, false], TypingStates(watchesA));
        Assert.DoesNotContain(typist.Events.Snapshot(), e => e.Name == "inbox:typing");
        Assert.DoesNotContain(watchesB.Events.Snapshot(), e => e.Name == "inbox:typing");
    }

    [Fact]
    public async Task Read_receipts_go_to_the_others_and_the_readers_other_tabs()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "conv-a", "a1", "customer-1", "Hi");
        await using var reader = await ConnectAsync("agent-a", edge: 0);
        await using var readersOtherTab = await ConnectAsync("agent-a", edge: 1);
        await using var colleague = await ConnectAsync("lead", edge: 1);
        await SubscribeAsync(reader, "conv-a");
        await readersOtherTab.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        await SubscribeAsync(colleague, "conv-a");

        var receipt = await reader.Connection.InvokeAsync<JsonElement>("inbox:read", new { conversationId = "conv-a", messageId = "a1" });

        foreach (var other in new[] { colleague, readersOtherTab })
        {
            var seen = await other.Events.WaitForAsync(e => e.Name == "inbox:read:receipt", "the receipt");
            Assert.Equal(("conv-a", "a1", "agent-a"), (ConversationId(seen), MessageId(seen), seen.Payload.GetProperty("userId").GetString()));
            Assert.Equal(receipt.GetProperty("readAt").GetString(), seen.Payload.GetProperty("readAt").GetString());
        }

        Assert.EndsWith("Z", receipt.GetProperty("readAt").GetString(), StringComparison.Ordinal);
        await Inbox.UpdateConversationStatus(_workspaceId, "conv-a", ConversationStatus.Pending);
        await WaitForUpdateAsync(reader, "conv-a", "pending");
        Assert.DoesNotContain(reader.Events.Snapshot(), e => e.Name == "inbox:read:receipt");
    }

    [Fact]
    public async Task An_sla_escalation_reaches_the_inbox_subscribers_and_notifies_the_assignee()
    {
        var sla = TimeSpan.FromMilliseconds(300);
        await Inbox.AddCustomerMessage(_workspaceId, "conv-b", "b1", "customer-2", "Hello");
        await using var lead = await ConnectAsync("lead", edge: 0);
        await using var onB = await ConnectAsync("agent-b", edge: 1);
        await using var assigneeNotifications = await ConnectAsync("agent", edge: 1, hub: "/notifications");
        await lead.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        await SubscribeAsync(onB, "conv-b");
        await assigneeNotifications.Events.WaitForAsync(e => e.Name == "notification:unread", "the notification connection going live");

        await Inbox.AssignConversation(_workspaceId, "conv-sla", "agent");
        await Inbox.SetSla(_workspaceId, "conv-sla", sla);
        var message = await Inbox.AddCustomerMessage(_workspaceId, "conv-sla", "s1", "customer-1", "Urgent!");

        var escalation = await lead.Events.WaitForAsync(e => e.Name == "inbox:sla:escalation", "the escalation");
        Assert.Equal(("conv-sla", "agent"), (ConversationId(escalation), escalation.Payload.GetProperty("assignee").GetString()));
        var waitingSince = escalation.Payload.GetProperty("waitingSince").GetDateTimeOffset();
        Assert.Equal(message.SentAt, waitingSince, TimeSpan.FromMilliseconds(1));
        Assert.Equal(waitingSince + sla, escalation.Payload.GetProperty("deadline").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        var notification = await assigneeNotifications.Events.WaitForAsync(e => e.Name == "notification", "the assignee's notification");
        Assert.Equal("sla_escalation", notification.Payload.GetProperty("type").GetString());
        Assert.Equal("conv-sla", notification.Payload.GetProperty("data").GetProperty("conversationId").GetString());
        Assert.True((await Inbox.GetConversation(_workspaceId, "conv-sla"))!.Escalated);

        await Inbox.UpdateConversationStatus(_workspaceId, "conv-b", ConversationStatus.Pending);
        await WaitForUpdateAsync(onB, "conv-b", "pending");
        Assert.DoesNotContain(onB.Events.Snapshot(), e => e.Name == "inbox:sla:escalation");
        Assert.Single(lead.Events.Snapshot(), e => e.Name == "inbox:sla:escalation");
    }

    [Theory]
    [InlineData("inbox:subscribe", """{ "conversationId": "unknown" }""", "not a conversation")]
    [InlineData("inbox:subscribe", """{ "conversationId": "FOREIGN" }""", "not a conversation")]
    [InlineData("inbox:subscribe", """{ "conversationId": "has/slash" }""", "conversationId")]
    [InlineData("inbox:subscribe", """{ "workspaceId": "OTHER" }""", "workspace")]
    [InlineData("inbox:typing", """{ "conversationId": "conv-a" }""", "isTyping")]
    [InlineData("inbox:typing", """{ "isTyping": true }""", "conversationId")]
    [InlineData("inbox:typing", """{ "conversationId": "LONG", "isTyping": true }""", "conversationId")]
    [InlineData("inbox:typing", """{ "conversationId": "unknown", "isTyping": true }""", "not a conversation")]
    [InlineData("inbox:typing", """{ "conversationId": "FOREIGN", "isTyping": true }""", "not a conversation")]
    [InlineData("inbox:typing", """{ "conversationId": "conv-a", "isTyping": true, "workspaceId": "OTHER" }""", "workspace")]
    [InlineData("inbox:read", """{ "conversationId": "conv-a" }""", "messageId")]
    [InlineData("inbox:read", """{ "conversationId": "conv-a", "messageId": "LONG" }""", "messageId")]
    [InlineData("inbox:read", """{ "conversationId": "FOREIGN", "messageId": "x1" }""", "not a conversation")]
    [InlineData("inbox:read", """{ "conversationId": "conv-a", "messageId": "a1", "workspaceId": "OTHER" }""", "workspace")]
    public async Task Bad_input_gets_a_clear_hub_error_and_nothing_is_stored_or_broadcast(string method, string payload, string errorMentions)
    {
        var otherWorkspace = $"ws-{Guid.NewGuid():N}";
        await Inbox.AddCustomerMessage(_workspaceId, "conv-a", "a1", "customer-1", "Hi");
        await Inbox.AddCustomerMessage(otherWorkspace, "only-there", "x1", "customer-3", "Not yours");
        await using var caller = await ConnectAsync("agent-a", edge: 0);
        await using var watcher = await ConnectAsync("lead", edge: 1);
        await using var theirs = await ConnectAsync("lead", edge: 0, otherWorkspace);
        await watcher.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        await theirs.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        var json = payload
            .Replace("LONG", new string('x', 129), StringComparison.Ordinal)
            .Replace("FOREIGN", "only-there", StringComparison.Ordinal)
            .Replace("OTHER", otherWorkspace, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<HubException>(() => caller.Connection.InvokeAsync(method, JsonDocument.Parse(json).RootElement));

        Assert.Contains(errorMentions, error.Message, StringComparison.Ordinal);

        // Still usable, and what it does next is the first thing the others see.
        await caller.Connection.InvokeAsync("inbox:typing", new { conversationId = "conv-a", isTyping = true });
        var first = await watcher.Events.WaitForAsync(e => e.Name.StartsWith("inbox:", StringComparison.Ordinal) && e.Name != "inbox:subscribed", "the valid call after the bad one");
        Assert.Equal(("inbox:typing", true), (first.Name, first.Payload.GetProperty("isTyping").GetBoolean()));
        Assert.Null(await Inbox.GetConversation(_workspaceId, "unknown"));
        Assert.Null(await Inbox.GetConversation(_workspaceId, "only-there"));
        Assert.Equal("a1", (await Inbox.GetConversation(_workspaceId, "conv-a"))!.LastMessage!.MessageId);
        await Inbox.UpdateConversationStatus(otherWorkspace, "only-there", ConversationStatus.Pending);
        await WaitForUpdateAsync(theirs, "only-there", "pending");
        Assert.Equal(["inbox:conversation:update"], InboxEvents(theirs).Select(e => e.Name));
    }

    [Fact]
    public async Task Methods_with_a_missing_payload_are_refused()
    {
        await using var caller = await ConnectAsync("agent-a");

        var typing = await Assert.ThrowsAsync<HubException>(() => caller.Connection.InvokeAsync("inbox:typing", (object?)null));
        var read = await Assert.ThrowsAsync<HubException>(() => caller.Connection.InvokeAsync("inbox:read", (object?)null));

        Assert.Contains("needs a payload", typing.Message, StringComparison.Ordinal);
        Assert.Contains("needs a payload", read.Message, StringComparison.Ordinal);
        var subscribed = await caller.Connection.InvokeAsync<JsonElement>("inbox:subscribe", (object?)null);
        Assert.Equal(_workspaceId, subscribed.GetProperty("workspaceId").GetString());
    }

    private Task<TestClient> ConnectAsync(string userId, int edge = 0, string? workspaceId = null, string hub = "/inbox")
    {
        var workspace = workspaceId ?? _workspaceId;
        var token = system.Tokens.Issue(userId, [workspace], ["member"], TimeSpan.FromMinutes(10));
        return TestClient.ConnectAsync(system.EdgeUrls[edge % system.EdgeUrls.Count], token, workspace, hub);
    }

    private static async Task<JsonElement> SubscribeAsync(TestClient client, string conversationId)
    {
        var reply = await client.Connection.InvokeAsync<JsonElement>("inbox:subscribe", new { conversationId });
        Assert.Equal(conversationId, reply.GetProperty("conversationId").GetString());
        return reply;
    }

    private static Task<ReceivedEvent> WaitForUpdateAsync(TestClient client, string conversationId, string status) =>
        client.Events.WaitForAsync(
            e => e.Name == "inbox:conversation:update" && ConversationId(e) == conversationId && e.Payload.GetProperty("status").GetString() == status,
            $"{conversationId} {status}");

    /// <summary>Inbox events other than the replies to the client's own subscriptions.</summary>
    private static List<ReceivedEvent> InboxEvents(TestClient client) =>
        client.Events.Snapshot().Where(e => e.Name.StartsWith("inbox:", StringComparison.Ordinal) && e.Name != "inbox:subscribed").ToList();

    private static List<bool> TypingStates(TestClient client) =>
        client.Events.Snapshot().Where(e => e.Name == "inbox:typing").Select(e => e.Payload.GetProperty("isTyping").GetBoolean()).ToList();

    private static string? ConversationId(ReceivedEvent e) => e.Payload.GetProperty("conversationId").GetString();

    private static string? MessageId(ReceivedEvent e) => e.Payload.GetProperty("messageId").GetString();
}

[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class EmbeddedInboxHubTests(EmbeddedSystemFixture fixture) : InboxHubTests(fixture.System);

[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class RedisInboxHubTests(RedisSystemFixture fixture) : InboxHubTests(fixture.System);
