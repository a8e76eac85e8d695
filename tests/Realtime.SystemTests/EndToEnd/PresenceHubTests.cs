using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>/presence over real sockets: status, typing, activity, online list, watching; and bad input refused.</summary>
public abstract class PresenceHubTests(RealtimeSystem system)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_chosen_status_reaches_the_others()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var bob = await ConnectAsync("bob", edge: 1);
        await alice.WaitForPresenceAsync("bob", "online");

        await bob.Connection.InvokeAsync("presence:status", new { status = "away" });

        await alice.WaitForPresenceAsync("bob", "away");
    }

    [Fact]
    public async Task Typing_goes_to_the_others_but_not_back_to_the_sender()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var bob = await ConnectAsync("bob", edge: 1);
        await alice.WaitForPresenceAsync("bob", "online");

        await bob.Connection.InvokeAsync("presence:typing", new { conversationId = "conv-1", isTyping = true });
        var typing = await alice.Events.WaitForAsync(e => e.Name == "presence:typing", "bob typing");
        Assert.Equal("bob", typing.Payload.GetProperty("userId").GetString());
        Assert.Equal("conv-1", typing.Payload.GetProperty("conversationId").GetString());
        Assert.True(typing.Payload.GetProperty("isTyping").GetBoolean());

        await bob.Connection.InvokeAsync("presence:typing", new { conversationId = "conv-1", isTyping = false });
        await alice.Events.WaitForAsync(e => e.Name == "presence:typing" && !e.Payload.GetProperty("isTyping").GetBoolean(), "bob stopped");
        Assert.DoesNotContain(bob.Events.Snapshot(), e => e.Name == "presence:typing");
    }

    [Fact]
    public async Task Activity_reaches_the_others_and_shows_in_presence()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var bob = await ConnectAsync("bob", edge: 1);
        await alice.WaitForPresenceAsync("bob", "online");

        await bob.Connection.InvokeAsync("presence:activity", new { type = "editing", resourceId = "post-1", resourceType = "post" });

        var activity = await alice.Events.WaitForAsync(e => e.Name == "presence:activity", "bob's activity");
        Assert.Equal("editing", activity.Payload.GetProperty("type").GetString());
        Assert.Equal("post-1", activity.Payload.GetProperty("resourceId").GetString());
        Assert.EndsWith("Z", activity.Payload.GetProperty("at").GetString(), StringComparison.Ordinal);
        var list = await alice.Connection.InvokeAsync<JsonElement>("presence:online");
        var bobPresence = list.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == "bob");
        Assert.Equal("post-1", bobPresence.GetProperty("activity").GetProperty("resourceId").GetString());
    }

    [Fact]
    public async Task The_online_list_pages_and_leaves_out_offline_users()
    {
        await using var alice = await ConnectAsync("alice");
        await using var bob = await ConnectAsync("bob");
        var carol = await ConnectAsync("carol");
        await carol.DisposeAsync();
        await alice.WaitForPresenceAsync("carol", "offline");

        var first = await alice.Connection.InvokeAsync<JsonElement>("presence:online", new { limit = 1 });
        var second = await alice.Connection.InvokeAsync<JsonElement>("presence:online", new { cursor = first.GetProperty("nextCursor").GetString(), limit = 1 });
        var everyone = await alice.Connection.InvokeAsync<JsonElement>("presence:online");

        Assert.Equal("alice", first.GetProperty("users")[0].GetProperty("userId").GetString());
        Assert.Equal("bob", second.GetProperty("users")[0].GetProperty("userId").GetString());
        Assert.Equal(["alice", "bob"], everyone.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("userId").GetString()));
        Assert.Equal(JsonValueKind.Null, everyone.GetProperty("nextCursor").ValueKind);
        await alice.Events.WaitForAsync(e => e.Name == "presence:online:list", "the presence:online:list event");
    }

    [Fact]
    public async Task Watching_is_acknowledged()
    {
        await using var alice = await ConnectAsync("alice");

        var ack = await alice.Connection.InvokeAsync<JsonElement>("presence:watch", new { userIds = new[] { "bob", "carol", "bob" } });

        Assert.Equal(["bob", "carol"], ack.GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        await alice.Events.WaitForAsync(e => e.Name == "presence:watch:ack", "the ack event");
    }

    [Theory]
    [InlineData("presence:status", """{ "status": "busy" }""", "online")]
    [InlineData("presence:status", """{ }""", "status")]
    [InlineData("presence:typing", """{ "conversationId": "c1" }""", "isTyping")]
    [InlineData("presence:typing", """{ "isTyping": true }""", "conversationId")]
    [InlineData("presence:typing", """{ "conversationId": "has/slash", "isTyping": true }""", "conversationId")]
    [InlineData("presence:activity", """{ "type": "dancing", "resourceId": "p1", "resourceType": "post" }""", "viewing")]
    [InlineData("presence:activity", """{ "type": "viewing", "resourceType": "post" }""", "resourceId")]
    [InlineData("presence:activity", """{ "type": "viewing", "resourceId": "LONG", "resourceType": "post" }""", "resourceId")]
    [InlineData("presence:online", """{ "limit": 0 }""", "limit")]
    [InlineData("presence:online", """{ "cursor": "a/b" }""", "cursor")]
    [InlineData("presence:watch", """{ "userIds": ["ok", "not ok"] }""", "userIds")]
    [InlineData("presence:status", """{ "status": "away", "workspaceId": "someone-elses" }""", "workspace")]
    [InlineData("presence:activity", """{ "type": "viewing", "resourceId": "p1", "resourceType": "post", "workspaceId": "someone-elses" }""", "workspace")]
    public async Task Bad_input_gets_a_clear_hub_error_nothing_is_broadcast_and_the_connection_stays_usable(string method, string payload, string errorMentions)
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var bob = await ConnectAsync("bob", edge: 1);
        var bobOnline = await alice.WaitForPresenceAsync("bob", "online");
        var argument = JsonDocument.Parse(payload.Replace("LONG", new string('x', 500), StringComparison.Ordinal)).RootElement;

        var error = await Assert.ThrowsAsync<HubException>(() => bob.Connection.InvokeAsync(method, argument));

        Assert.Contains(errorMentions, error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, bob.Connection.State);

        // Bob's next valid change is the first thing alice hears of him after the refused call.
        await bob.Connection.InvokeAsync("presence:typing", new { conversationId = "marker", isTyping = true });
        await alice.Events.WaitForAsync(e => e.Name == "presence:typing", "the marker");
        var afterOnline = alice.Events.Snapshot().SkipWhile(e => e != bobOnline).Skip(1).ToList();
        Assert.Equal(["presence:typing"], afterOnline.Select(e => e.Name));
        var stored = await alice.Connection.InvokeAsync<JsonElement>("presence:online");
        var bobNow = stored.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == "bob");
        Assert.Equal("online", bobNow.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, bobNow.GetProperty("activity").ValueKind);
    }

    private Task<TestClient> ConnectAsync(string userId, int edge = 0)
    {
        var token = system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        return TestClient.ConnectAsync(system.EdgeUrls[edge % system.EdgeUrls.Count], token, _workspaceId, "/presence");
    }
}

[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class EmbeddedPresenceHubTests(EmbeddedSystemFixture fixture) : PresenceHubTests(fixture.System);

[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class RedisPresenceHubTests(RedisSystemFixture fixture) : PresenceHubTests(fixture.System);
