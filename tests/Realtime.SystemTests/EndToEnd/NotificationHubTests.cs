using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Orleans.Streams.PubSub;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>/notifications and the notification HTTP API over real sockets, with tabs on two edges where the system has two.</summary>
public abstract class NotificationHubTests(RealtimeSystem system)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private NotificationService Service => new(system.EdgeService<IClusterClient>());

    [Fact]
    public async Task A_notification_sent_by_http_and_by_grain_call_reaches_every_tab_on_every_edge()
    {
        await using var tab1 = await ConnectAsync("alice", edge: 0);
        await using var tab2 = await ConnectAsync("alice", edge: 1);
        await using var bob = await ConnectAsync("bob", edge: 0);
        await WaitLiveAsync(tab1, tab2, bob);

        using var http = Http(system.Tokens.Issue("crm-service", [], ["service"], TimeSpan.FromMinutes(5)));
        using var response = await http.PostAsJsonAsync("/realtime/notifications/send", new
        {
            userId = "alice", workspaceId = _workspaceId, type = "mention", title = "Bob mentioned you", message = "in #launch", data = new { postId = "p1" },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var httpId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var grainSent = await Service.SendReviewNotification("alice", _workspaceId, "carol", "Q3 report");

        foreach (var tab in new[] { tab1, tab2 })
        {
            var viaHttp = await tab.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == httpId, "the HTTP notification");
            Assert.Equal("p1", viaHttp.Payload.GetProperty("data").GetProperty("postId").GetString());
            Assert.Equal("mention", viaHttp.Payload.GetProperty("type").GetString());
            Assert.False(viaHttp.Payload.GetProperty("read").GetBoolean());
            await tab.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == grainSent.Id, "the grain-sent notification");
        }

        Assert.DoesNotContain(bob.Events.Snapshot(), e => e.Name == "notification");
    }

    [Fact]
    public async Task A_connection_that_subscribed_to_types_receives_only_those()
    {
        await using var picky = await ConnectAsync("alice", edge: 0);
        await using var everything = await ConnectAsync("alice", edge: 1);
        await WaitLiveAsync(picky, everything);
        var ack = await picky.Connection.InvokeAsync<JsonElement>("notification:subscribe", new { types = new[] { "crisis", "mention" } });
        Assert.Equal(["crisis", "mention"], ack.GetProperty("types").EnumerateArray().Select(t => t.GetString()));

        var message = await Service.SendMessageNotification("alice", _workspaceId, "bob", "hi");
        var mention = await Service.SendMentionNotification("alice", _workspaceId, "bob", "hey @alice");

        await picky.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == mention.Id, "the mention");
        await everything.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == mention.Id, "the mention, unfiltered");
        Assert.Contains(everything.Events.Snapshot(), e => e.Name == "notification" && Id(e) == message.Id);
        Assert.DoesNotContain(picky.Events.Snapshot(), e => e.Name == "notification" && Id(e) == message.Id);
        await picky.Events.WaitForAsync(e => e.Name == "notification:subscribe:ack", "the ack event");
    }

    [Fact]
    public async Task A_client_disconnected_mid_stream_gets_exactly_the_missed_ones_after_reconnect()
    {
        const int Total = 60;
        var first = await ConnectAsync("alice", edge: 0);
        await WaitLiveAsync(first);
        var sent = new List<string>();
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < Total; i++)
            {
                sent.Add((await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, $"n{i}", "")).Id);
            }
        });

        await first.Events.WaitForAsync(e => e.Name == "notification" && e.Payload.GetProperty("title").GetString() == "n10", "the first ten");
        await first.DisposeAsync();
        var before = NotificationIds(first);

        await using var second = await ConnectAsync("alice", edge: 1, lastNotificationId: before[^1]);
        await sending;
        await second.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == sent[^1], "the last one");

        Assert.Equal(sent, before.Concat(NotificationIds(second)));
    }

    [Fact]
    public async Task A_client_that_was_offline_syncs_after_connecting_and_sees_its_unread_count()
    {
        await using var seenOne = await ConnectAsync("alice");
        await WaitLiveAsync(seenOne);
        var seen = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "seen", "");
        await seenOne.Events.WaitForAsync(e => e.Name == "notification", "the one seen");
        await seenOne.DisposeAsync();
        var missed = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Alert, "missed", "");
        var crisis = await Service.SendCrisisAlert(_workspaceId, "while away");

        await using var back = await ConnectAsync("alice");
        var unread = await back.Events.WaitForAsync(e => e.Name == "notification:unread", "the unread count on connect");
        Assert.Equal(3, unread.Payload.GetProperty("count").GetInt32());
        await back.Connection.InvokeAsync("notification:sync", new { lastNotificationId = seen.Id });

        await back.Events.WaitForAsync(e => e.Name == "notification" && e.Payload.GetProperty("type").GetString() == "crisis", "the crisis");
        Assert.Equal([missed.Id], NotificationIds(back).Take(1));
        Assert.Equal(2, NotificationIds(back).Count);
        Assert.Equal(1, crisis.Sequence);
    }

    [Fact]
    public async Task Reading_on_one_tab_updates_the_count_on_the_others()
    {
        await using var tab1 = await ConnectAsync("alice", edge: 0);
        await using var tab2 = await ConnectAsync("alice", edge: 1);
        await WaitLiveAsync(tab1, tab2);
        var one = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "1", "");
        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "2", "");

        var ack = await tab1.Connection.InvokeAsync<JsonElement>("notification:read", new { notificationId = one.Id });

        Assert.Equal(1, ack.GetProperty("unreadCount").GetInt32());
        var onOtherTab = await tab2.Events.WaitForAsync(e => e.Name == "notification:read:ack", "the ack on the other tab");
        Assert.Equal(one.Id, onOtherTab.Payload.GetProperty("notificationId").GetString());
        Assert.Equal(1, onOtherTab.Payload.GetProperty("unreadCount").GetInt32());

        var all = await tab2.Connection.InvokeAsync<JsonElement>("notification:read:all");
        Assert.True(all.GetProperty("all").GetBoolean());
        await tab1.Events.WaitForAsync(e => e.Name == "notification:read:ack" && e.Payload.GetProperty("all").GetBoolean(), "read-all on the first tab");
    }

    [Theory]
    [InlineData("notification:read", """{ "notificationId": "999-ffffffff" }""", "not one of")]
    [InlineData("notification:read", """{ }""", "notificationId")]
    [InlineData("notification:subscribe", """{ "types": ["party"] }""", "types")]
    [InlineData("notification:subscribe", """{ "types": [] }""", "types")]
    [InlineData("notification:sync", """{ "lastNotificationId": "garbage" }""", "not the id")]
    [InlineData("notification:read", """{ "notificationId": "1-abc", "workspaceId": "someone-elses" }""", "workspace")]
    public async Task Bad_input_gets_a_clear_hub_error_and_changes_nothing(string method, string payload, string errorMentions)
    {
        await using var alice = await ConnectAsync("alice");
        await WaitLiveAsync(alice);
        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "kept unread", "");

        var error = await Assert.ThrowsAsync<HubException>(() => alice.Connection.InvokeAsync(method, JsonDocument.Parse(payload).RootElement));

        Assert.Contains(errorMentions, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await alice.Connection.InvokeAsync<JsonElement>("notification:unread")).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Marking_another_users_notification_is_refused()
    {
        await using var alice = await ConnectAsync("alice");
        var bobs = await Service.SendNotification("bob", _workspaceId, NotificationTypes.Message, "for bob", "");

        await Assert.ThrowsAsync<HubException>(() => alice.Connection.InvokeAsync("notification:read", new { notificationId = bobs.Id }));

        Assert.Equal(1, (await Service.GetNotifications("bob", _workspaceId)).UnreadCount);
    }

    [Theory]
    [InlineData("""{ "userId": "alice", "workspaceId": "WS", "type": "party", "title": "t", "message": "m" }""", "type")]
    [InlineData("""{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": "", "message": "m" }""", "title")]
    [InlineData("""{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": "t", "message": "LONG" }""", "message")]
    [InlineData("""{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": "t", "message": "m", "data": { "blob": "HUGE" } }""", "data")]
    [InlineData("""{ "userId": "a/b", "workspaceId": "WS", "type": "mention", "title": "t", "message": "m" }""", "userId")]
    [InlineData("""{ "workspaceId": "WS", "type": "mention", "title": "t", "message": "m" }""", "userId")]
    public async Task Sending_bad_input_over_http_is_400_problem_json_and_stores_nothing(string body, string field)
    {
        using var http = Http(system.Tokens.Issue("crm-service", [], ["service"], TimeSpan.FromMinutes(5)));
        var json = body.Replace("WS", _workspaceId, StringComparison.Ordinal)
            .Replace("LONG", new string('m', NotificationDraftRules.MaxMessageLength + 1), StringComparison.Ordinal)
            .Replace("HUGE", new string('x', NotificationDraftRules.MaxDataBytes), StringComparison.Ordinal);

        using var response = await http.PostAsync("/realtime/notifications/send", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Empty((await Service.GetNotifications("alice", _workspaceId)).Notifications);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("member", HttpStatusCode.Forbidden)]
    public async Task Sending_over_http_needs_the_service_role(string? role, HttpStatusCode expected)
    {
        using var http = Http(role is null ? null : system.Tokens.Issue("alice", [_workspaceId], [role], TimeSpan.FromMinutes(5)));

        using var response = await http.PostAsJsonAsync("/realtime/notifications/send", new { userId = "alice", workspaceId = _workspaceId, type = "mention", title = "t", message = "m" });

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_user_pages_through_their_own_notifications_over_http()
    {
        for (var i = 0; i < 5; i++)
        {
            await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, $"n{i}", "");
        }

        await Service.SendNotification("bob", _workspaceId, NotificationTypes.Message, "not alice's", "");
        using var http = Http(system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5)));

        var first = await http.GetFromJsonAsync<JsonElement>($"/realtime/notifications/workspace/{_workspaceId}?limit=3");
        var second = await http.GetFromJsonAsync<JsonElement>($"/realtime/notifications/workspace/{_workspaceId}?limit=3&cursor={first.GetProperty("nextCursor").GetString()}");

        var titles = first.GetProperty("notifications").EnumerateArray().Concat(second.GetProperty("notifications").EnumerateArray()).Select(n => n.GetProperty("title").GetString());
        Assert.Equal(["n4", "n3", "n2", "n1", "n0"], titles);
        Assert.Equal(5, first.GetProperty("unreadCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        using var foreign = await http.GetAsync("/realtime/notifications/workspace/another-workspace");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }

    [Fact]
    public async Task An_edge_that_lost_its_stream_subscription_gets_it_back_and_its_clients_miss_nothing()
    {
        // A pulling agent that cannot reach an edge (every gateway restarting) drops its subscription for good.
        await using var tab1 = await ConnectAsync("alice", edge: 0);
        await using var tab2 = await ConnectAsync("alice", edge: 0);
        await WaitLiveAsync(tab1, tab2);
        var before = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "before", "");
        await tab1.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == before.Id, "the first notification");
        var edge = system.EdgeService<EdgeIdentity>(0).EdgeId;
        var client = system.EdgeService<IClusterClient>();

        Assert.Equal(1, await EdgeStreamCleanup.RemoveSubscriptionsAsync(client.GetStreamProvider(StreamNames.Provider), edge));
        var during = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            during.Add((await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, $"during {i}", "")).Id);
        }

        // Edge:StreamCheckInterval finds the subscription gone; attaching again replays what the gap lost.
        foreach (var tab in new[] { tab1, tab2 })
        {
            await tab.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == during[^1], "the last one sent while unsubscribed");
        }

        var after = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "after", "");
        foreach (var tab in new[] { tab1, tab2 })
        {
            await tab.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == after.Id, "one sent after the repair");
            Assert.Equal([before.Id, .. during, after.Id], NotificationIds(tab));
        }

        var subscriptions = client.GetStreamProvider(StreamNames.Provider).TryGetStreamSubscriptionManager(out var manager)
            ? await manager.GetSubscriptions(StreamNames.Provider, StreamNames.ForEdge(edge))
            : [];
        Assert.Single(subscriptions);
    }

    private Task<TestClient> ConnectAsync(string userId, int edge = 0, string? lastNotificationId = null)
    {
        var token = system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        var query = lastNotificationId is null ? null : $"lastNotificationId={Uri.EscapeDataString(lastNotificationId)}";
        return TestClient.ConnectAsync(system.EdgeUrls[edge % system.EdgeUrls.Count], token, _workspaceId, "/notifications", query);
    }

    /// <summary>A connection is live once it got its unread count (its catch-up barrier passed).</summary>
    private static Task WaitLiveAsync(params TestClient[] clients) =>
        Task.WhenAll(clients.Select(c => c.Events.WaitForAsync(e => e.Name == "notification:unread", "the connection going live")));

    private static string? Id(ReceivedEvent e) => e.Payload.GetProperty("id").GetString();

    private static List<string> NotificationIds(TestClient client) =>
        client.Events.Snapshot().Where(e => e.Name == "notification").Select(e => Id(e)!).ToList();

    private HttpClient Http(string? token)
    {
        var http = new HttpClient { BaseAddress = system.EdgeUrls[0] };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}

[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class EmbeddedNotificationHubTests(EmbeddedSystemFixture fixture) : NotificationHubTests(fixture.System);

[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class RedisNotificationHubTests(RedisSystemFixture fixture) : NotificationHubTests(fixture.System);
