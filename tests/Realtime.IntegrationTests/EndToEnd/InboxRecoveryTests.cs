using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Inbox;
using Realtime.Grains.Streaming;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// /inbox across a brief disconnect, back on another edge: a connection opened with the position
/// of the last inbox event it had gets, at its first subscription (the whole inbox, one conversation
/// or several restored in one list), the messages, conversation updates, read receipts and SLA
/// escalations that subscription missed, in order and once each, then live ones; typing is not
/// replayed. A position it cannot recover says so and replays nothing.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class InboxRecoveryTests : IAsyncLifetime
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private RealtimeSystem _system = null!;

    private InboxService Inbox => new(_system.EdgeService<IClusterClient>());

    public async Task InitializeAsync() => _system = await RealtimeSystem.StartEmbeddedAsync(edgeCount: 2);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task The_whole_inbox_back_on_another_edge_gets_every_kind_of_event_it_missed_in_order_once_then_live()
    {
        await using var bob = await SubscribeAsync("bob", edge: 0);
        var alice = await SubscribeAsync("alice", edge: 0);
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m1", "customer", "hello");
        await Inbox.AddCustomerMessage(_workspaceId, "c2", "n1", "customer", "other");
        var last = await alice.Events.WaitForAsync(e => Message(e) == "n1", "the last message before the drop");
        var position = last.Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await alice.DisposeAsync();

        // While she is away: a message, an assignment, bob's typing and read receipt, an SLA escalation.
        await Inbox.SetSla(_workspaceId, "c2", TimeSpan.FromMilliseconds(300));
        await Inbox.AddCustomerMessage(_workspaceId, "c2", "n2", "customer", "still waiting");
        await Inbox.AssignConversation(_workspaceId, "c1", "bob");
        await bob.Connection.InvokeAsync("inbox:typing", new { conversationId = "c1", isTyping = true });
        await bob.Connection.InvokeAsync("inbox:read", new { conversationId = "c1", messageId = "m1" });
        await bob.Events.WaitForAsync(e => e.Name == "inbox:sla:escalation", "the escalation, sent while she is away");

        await using var back = await ConnectAsync("alice", edge: 1, recover: position);
        Assert.True(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        var subscribed = await back.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe");
        Assert.True(subscribed.GetProperty("recovered").GetBoolean());
        await back.Events.WaitForAsync(e => e.Name == "inbox:sla:escalation", "the escalation, replayed");
        await Inbox.AddTeamMessage(_workspaceId, "c1", "m2", "bob", "on it");
        await back.Events.WaitForAsync(e => Message(e) == "m2", "a live message");

        // Typing is not replayed; bob's reply ends his typing live afterwards.
        var seen = back.Events.Snapshot().Where(e => e.Name.StartsWith("inbox:", StringComparison.Ordinal) && e.Name != "inbox:subscribed").Select(Describe).ToList();
        seen = seen.Take(seen.IndexOf("inbox:message m2") + 1).ToList();
        Assert.Equal(
            ["inbox:conversation:update c2", "inbox:message n2", "inbox:conversation:update c1", "inbox:read:receipt c1", "inbox:sla:escalation c2", "inbox:message m2"],
            seen);
    }

    [Fact]
    public async Task One_conversation_gets_only_its_own_missed_events()
    {
        var alice = await ConnectAsync("alice", edge: 0);
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m1", "customer", "hello");
        await alice.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", new { conversationId = "c1" });
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m2", "customer", "second");
        var position = (await alice.Events.WaitForAsync(e => Message(e) == "m2", "m2")).Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await alice.DisposeAsync();

        await Inbox.AddCustomerMessage(_workspaceId, "c2", "n1", "customer", "not hers");
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m3", "customer", "third");

        await using var back = await ConnectAsync("alice", edge: 1, recover: position);
        var subscribed = await back.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", new { conversationId = "c1" });
        Assert.True(subscribed.GetProperty("recovered").GetBoolean());
        Assert.Equal("m3", subscribed.GetProperty("conversation").GetProperty("lastMessage").GetProperty("messageId").GetString());
        await back.Events.WaitForAsync(e => Message(e) == "m3", "the missed message");
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m4", "customer", "live");
        await back.Events.WaitForAsync(e => Message(e) == "m4", "a live message");
        Assert.Equal(["m3", "m4"], back.Events.Snapshot().Where(e => e.Name == "inbox:message").Select(Message));
    }

    [Fact]
    public async Task Several_conversations_restored_in_one_subscription_all_get_what_they_missed_in_order_once()
    {
        var alice = await ConnectAsync("alice", edge: 0);
        foreach (var (conversationId, messageId) in new[] { ("c1", "a1"), ("c2", "b1"), ("c3", "x1") })
        {
            await Inbox.AddCustomerMessage(_workspaceId, conversationId, messageId, "customer", "hello");
        }

        await alice.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", new { conversationIds = new[] { "c1", "c2" } });
        await Inbox.AddCustomerMessage(_workspaceId, "c2", "b2", "customer", "second");
        var position = (await alice.Events.WaitForAsync(e => Message(e) == "b2", "b2")).Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await alice.DisposeAsync();

        // While she is away, both of hers interleaved with one she does not follow.
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "a2", "customer", "missed 1");
        await Inbox.AddCustomerMessage(_workspaceId, "c3", "x2", "customer", "not hers");
        await Inbox.AddCustomerMessage(_workspaceId, "c2", "b3", "customer", "missed 2");
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "a3", "customer", "missed 3");

        await using var back = await ConnectAsync("alice", edge: 1, recover: position);
        var subscribed = await back.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", new { conversationIds = new[] { "c1", "c2", "c1" } });
        Assert.True(subscribed.GetProperty("recovered").GetBoolean());
        Assert.Equal(
            ["a3", "b3"],
            subscribed.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("lastMessage").GetProperty("messageId").GetString()));
        await Inbox.AddCustomerMessage(_workspaceId, "c2", "b4", "customer", "live");
        await back.Events.WaitForAsync(e => Message(e) == "b4", "a live message");
        Assert.Equal(["a2", "b3", "a3", "b4"], back.Events.Snapshot().Where(e => e.Name == "inbox:message").Select(Message));
    }

    [Fact]
    public async Task A_list_subscription_refuses_bad_lists_naming_the_field_and_joins_nothing()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m1", "customer", "hello");
        await using var alice = await ConnectAsync("alice", edge: 0);
        object[] bad =
        [
            new { conversationIds = Array.Empty<string>() },
            new { conversationIds = new[] { "c1", "bad id!" } },
            new { conversationIds = new string?[] { "c1", null } },
            new { conversationIds = Enumerable.Range(0, InboxHubLimit + 1).Select(i => $"c{i}").ToArray() },
            new { conversationId = "c1", conversationIds = new[] { "c1" } },
            new { conversationIds = new[] { "c1", "no-such-conversation" } },
        ];
        foreach (var request in bad)
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => alice.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", request));
            Assert.Contains("conversation", refused.Message, StringComparison.OrdinalIgnoreCase);
        }

        // Nothing was joined by the refused ones: a message to c1 does not reach her (bob, on her
        // edge, has it once the edge sent it to the conversation's subscribers).
        await using var bob = await SubscribeAsync("bob", edge: 0);
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m2", "customer", "not subscribed");
        await bob.Events.WaitForAsync(e => Message(e) == "m2", "m2 at bob");
        await alice.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", new { conversationIds = new[] { "c1" } });
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m3", "customer", "subscribed");
        await alice.Events.WaitForAsync(e => Message(e) == "m3", "m3");
        Assert.Equal(["m3"], alice.Events.Snapshot().Where(e => e.Name == "inbox:message").Select(Message));
    }

    private const int InboxHubLimit = Realtime.EdgeGateway.Hubs.InboxHub.MaxConversationSubscriptions;

    [Fact]
    public async Task A_position_it_cannot_recover_says_so_and_replays_nothing()
    {
        var alice = await SubscribeAsync("alice", edge: 0);
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m1", "customer", "hello");
        var position = RecoveryPosition.TryParse((await alice.Events.WaitForAsync(e => Message(e) == "m1", "m1")).Payload.GetProperty(RecoveryPosition.PropertyName).GetString(), _workspaceId)!;
        await alice.DisposeAsync();
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m2", "customer", "missed");

        var lastMessage = "m2";
        foreach (var recover in new[] { (position with { Epoch = position.Epoch + 1 }).ToString(), "garbage" })
        {
            await using var back = await ConnectAsync("alice", edge: 1, recover: recover);
            Assert.False(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
            var subscribed = await back.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", new { conversationId = "c1" });
            Assert.False(subscribed.GetProperty("recovered").GetBoolean());
            Assert.Equal(lastMessage, subscribed.GetProperty("conversation").GetProperty("lastMessage").GetProperty("messageId").GetString());
            lastMessage = $"live-{recover.Length}";
            await Inbox.AddCustomerMessage(_workspaceId, "c1", lastMessage, "customer", "live");
            await back.Events.WaitForAsync(e => Message(e) == $"live-{recover.Length}", "a live message");
            Assert.Equal([$"live-{recover.Length}"], back.Events.Snapshot().Where(e => e.Name == "inbox:message").Select(Message));
        }
    }

    [Fact]
    public async Task The_conversation_read_over_http_then_a_connection_from_its_position_gets_every_event_after_it()
    {
        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m1", "customer", "hello");
        using var http = new HttpClient { BaseAddress = _system.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(10)));
        var snapshot = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/realtime/inbox/{_workspaceId}/conversations/c1");
        Assert.Equal("m1", snapshot.GetProperty("lastMessage").GetProperty("messageId").GetString());
        var position = snapshot.GetProperty(RecoveryPosition.PropertyName).GetString()!;

        await Inbox.AddCustomerMessage(_workspaceId, "c1", "m2", "customer", "after the read");
        await using var client = await ConnectAsync("alice", edge: 1, recover: position);
        Assert.True(client.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        var subscribed = await client.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe", new { conversationId = "c1" });
        Assert.True(subscribed.GetProperty("recovered").GetBoolean());
        await client.Events.WaitForAsync(e => Message(e) == "m2", "the message after the read");
        Assert.Equal(["m2"], client.Events.Snapshot().Where(e => e.Name == "inbox:message").Select(Message));
    }

    private static string? Message(ReceivedEvent e) => e.Name == "inbox:message" ? e.Payload.GetProperty("messageId").GetString() : null;

    private static string Describe(ReceivedEvent e) =>
        e.Name == "inbox:message" ? $"{e.Name} {Message(e)}" : $"{e.Name} {e.Payload.GetProperty("conversationId").GetString()}";

    private async Task<TestClient> SubscribeAsync(string userId, int edge)
    {
        var client = await ConnectAsync(userId, edge);
        await client.Connection.InvokeAsync<System.Text.Json.JsonElement>("inbox:subscribe");
        return client;
    }

    private async Task<TestClient> ConnectAsync(string userId, int edge, string? recover = null)
    {
        var token = _system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        var client = await TestClient.ConnectAsync(_system.EdgeUrls[edge], token, _workspaceId, "/inbox", recover is null ? null : $"recover={Uri.EscapeDataString(recover)}");
        await client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} connected");
        return client;
    }
}
