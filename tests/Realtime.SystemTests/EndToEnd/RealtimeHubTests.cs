using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>
/// The first path over real sockets: SignalR .NET clients, a real Kestrel edge, a real cluster.
/// Users alternate between the system's edges, so on the Redis system A and B sit on different edges.
/// </summary>
public abstract class RealtimeHubTests(RealtimeSystem system)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_sees_B_come_online_and_go_offline()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        var bob = await ConnectAsync("bob", edge: 1);

        await alice.WaitForPresenceAsync("bob", "online");
        await bob.DisposeAsync();
        var offline = await alice.WaitForPresenceAsync("bob", "offline");

        var bobPresence = offline.Payload.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == "bob");
        Assert.Equal(_workspaceId, offline.Payload.GetProperty("workspaceId").GetString());
        Assert.Equal(_workspaceId, bobPresence.GetProperty("workspaceId").GetString());
        Assert.Equal(0, bobPresence.GetProperty("connectionCount").GetInt32());
        Assert.EndsWith("Z", bobPresence.GetProperty("lastSeen").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newcomer_sees_who_is_already_online_without_asking()
    {
        await using var bob = await ConnectAsync("bob", edge: 1);
        await bob.WaitForPresenceAsync("bob", "online");

        await using var alice = await ConnectAsync("alice", edge: 0);

        await alice.WaitForPresenceAsync("bob", "online");
    }

    [Fact]
    public async Task Connected_is_sent_first_with_the_callers_identity()
    {
        await using var alice = await ConnectAsync("alice");

        var connected = await alice.Events.WaitForAsync(e => e.Name == "connected", "connected");

        Assert.Equal("connected", alice.Events.Snapshot()[0].Name);
        Assert.Equal(alice.Connection.ConnectionId, connected.Payload.GetProperty("connectionId").GetString());
        Assert.Equal("alice", connected.Payload.GetProperty("userId").GetString());
        Assert.Equal(_workspaceId, connected.Payload.GetProperty("workspaceId").GetString());
        Assert.True(connected.Payload.TryGetProperty("serverTime", out _));
    }

    [Fact]
    public async Task Ping_answers_pong_as_an_event_and_as_the_invocation_result()
    {
        await using var alice = await ConnectAsync("alice");

        var result = await alice.Connection.InvokeAsync<JsonElement>("ping");

        var pong = await alice.Events.WaitForAsync(e => e.Name == "pong", "pong");
        Assert.Equal(result.GetProperty("timestamp").GetString(), pong.Payload.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Presence_get_lists_the_workspace_and_page_navigate_updates_it()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var bob = await ConnectAsync("bob", edge: 1);
        await alice.WaitForPresenceAsync("bob", "online");

        await bob.Connection.InvokeAsync("page:navigate", new { page = "/inbox" });
        await alice.Events.WaitForAsync(
            e => e.Name == "presence:update" && e.Payload.GetProperty("users")[0].GetProperty("currentPage").GetString() == "/inbox",
            "bob's page");

        var list = await alice.Connection.InvokeAsync<JsonElement>("presence:get");
        await alice.Events.WaitForAsync(e => e.Name == "presence:list", "presence:list event");
        var users = list.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetString()!);
        Assert.Equal(_workspaceId, list.GetProperty("workspaceId").GetString());
        Assert.Equal(["alice", "bob"], users.Keys.Order());
        Assert.Equal("online", users["alice"].GetProperty("status").GetString());
        Assert.Equal("/inbox", users["bob"].GetProperty("currentPage").GetString());
    }

    [Fact]
    public async Task A_bad_page_gets_a_hub_error_and_the_connection_stays_usable()
    {
        await using var alice = await ConnectAsync("alice");

        var error = await Assert.ThrowsAsync<HubException>(() => alice.Connection.InvokeAsync("page:navigate", new { page = new string('x', 600) }));
        Assert.Contains("page:navigate", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => alice.Connection.InvokeAsync("page:navigate", new { other = 1 }));

        await alice.Connection.InvokeAsync<JsonElement>("ping");
        Assert.Equal(HubConnectionState.Connected, alice.Connection.State);
    }

    [Fact]
    public async Task Without_a_token_the_connection_is_refused_with_401()
    {
        var connection = TestClient.Build(system.EdgeUrls[0], "/realtime", _workspaceId, token: null);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused_with_401()
    {
        var forged = new Realtime.EdgeGateway.Identity.DevelopmentTokenIssuer(
            new() { Issuer = RealtimeSystem.Issuer, Audience = RealtimeSystem.Audience, SigningKey = "another-key-that-is-long-enough-for-hs256!!" },
            TimeProvider.System).Issue("mallory", [_workspaceId], [], TimeSpan.FromMinutes(5));
        var connection = TestClient.Build(system.EdgeUrls[0], "/realtime", _workspaceId, forged);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task A_workspace_the_token_does_not_grant_is_refused_with_403()
    {
        var token = system.Tokens.Issue("alice", ["some-other-workspace"], [], TimeSpan.FromMinutes(5));
        var connection = TestClient.Build(system.EdgeUrls[0], "/realtime", _workspaceId, token);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task A_client_of_another_workspace_never_receives_anything_of_this_one()
    {
        var otherWorkspaceId = $"ws-{Guid.NewGuid():N}";
        await using var outsider = await ConnectAsync("olivia", edge: 0, workspaceId: otherWorkspaceId);
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var bob = await ConnectAsync("bob", edge: 1);
        await bob.Connection.InvokeAsync("page:navigate", new { page = "/secret-campaign" });
        await alice.Events.WaitForAsync(e => e.Payload.GetRawText().Contains("/secret-campaign", StringComparison.Ordinal), "bob's page");

        // A later event of the outsider's own workspace arrives: the edge streams have moved past this workspace's events.
        await using var oscar = await ConnectAsync("oscar", edge: 1, workspaceId: otherWorkspaceId);
        await outsider.WaitForPresenceAsync("oscar", "online");

        Assert.All(outsider.Events.Snapshot(), e => Assert.DoesNotContain(_workspaceId, e.Payload.GetRawText(), StringComparison.Ordinal));
        Assert.DoesNotContain(outsider.Events.Snapshot(), e => e.Payload.GetRawText().Contains("alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_tab_keeps_the_user_online_until_the_last_tab_closes()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        var bobTab1 = await ConnectAsync("bob", edge: 1);
        var bobTab2 = await ConnectAsync("bob", edge: 0);
        await alice.WaitForPresenceAsync("bob", "online");

        await bobTab1.DisposeAsync();
        await bobTab2.Connection.InvokeAsync("page:navigate", new { page = "/still-here" });
        await alice.Events.WaitForAsync(e => e.Payload.GetRawText().Contains("/still-here", StringComparison.Ordinal), "bob's page from tab 2");
        Assert.DoesNotContain(alice.Events.Snapshot(), e => e.Name == "presence:update" && e.Payload.GetRawText().Contains("\"offline\"", StringComparison.Ordinal));

        await bobTab2.DisposeAsync();
        await alice.WaitForPresenceAsync("bob", "offline");
    }

    private Task<TestClient> ConnectAsync(string userId, int edge = 0, string? workspaceId = null)
    {
        var workspace = workspaceId ?? _workspaceId;
        var token = system.Tokens.Issue(userId, [workspace], ["member"], TimeSpan.FromMinutes(10));
        return TestClient.ConnectAsync(system.EdgeUrls[edge % system.EdgeUrls.Count], token, workspace);
    }
}

[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class EmbeddedRealtimeHubTests(EmbeddedSystemFixture fixture) : RealtimeHubTests(fixture.System);

[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class RedisRealtimeHubTests(RedisSystemFixture fixture) : RealtimeHubTests(fixture.System);
