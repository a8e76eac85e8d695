using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// What a backend in any language does over HTTP (docs/protocol.md, "HTTP API"): broadcasts, workspace
/// notifications, dashboard and metrics updates, the inbox; each seen by real SignalR clients.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class ServiceHttpApiTests(EmbeddedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private readonly string _otherWorkspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task Broadcasts_reach_the_workspace_one_user_or_everyone_on_realtime()
    {
        await using var alice = await ConnectAsync("alice", _workspaceId);
        await using var bob = await ConnectAsync("bob", _workspaceId);
        await using var carol = await ConnectAsync("carol", _otherWorkspaceId);
        using var http = Service();

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 1 } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/realtime/broadcast/user/bob/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 2 } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/realtime/broadcast/all", new { @event = "campaign:launched", data = new { n = 3 } })).StatusCode);

        await alice.Events.WaitForAsync(e => N(e) == 3, "alice: the broadcast to all");
        await bob.Events.WaitForAsync(e => N(e) == 3, "bob: the broadcast to all");
        await carol.Events.WaitForAsync(e => N(e) == 3, "carol: the broadcast to all");
        Assert.Equal([1, 3], Broadcasts(alice));
        Assert.Equal([1, 2, 3], Broadcasts(bob));
        Assert.Equal([3], Broadcasts(carol));
    }

    [Theory]
    [InlineData("presence:update")]
    [InlineData("notification")]
    [InlineData("notification:unread")]
    [InlineData("session:revoked")]
    [InlineData("connected")]
    [InlineData("dashboard:metric:update")]
    [InlineData("Campaign")]
    [InlineData("")]
    public async Task A_broadcast_cannot_use_a_name_of_the_cluster_s_own_events_and_nothing_is_delivered(string eventName)
    {
        await using var alice = await ConnectAsync("alice", _workspaceId);
        alice.Record(eventName.Length > 0 ? eventName : "empty");
        using var http = Service();

        using var refused = await http.PostAsJsonAsync($"/realtime/broadcast/workspace/{_workspaceId}", new { @event = eventName, data = new { forged = true } });
        await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "event");

        await http.PostAsJsonAsync($"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 1 } });
        await alice.Events.WaitForAsync(e => N(e) == 1, "the broadcast after the refused one");
        Assert.DoesNotContain(alice.Events.Snapshot(), e => e.Payload.ValueKind == JsonValueKind.Object && e.Payload.TryGetProperty("forged", out _));
    }

    [Fact]
    public async Task A_workspace_notification_reaches_every_member_each_with_an_own_copy()
    {
        await using var alice = await ConnectAsync("alice", _workspaceId, "/notifications");
        await using var bob = await ConnectAsync("bob", _workspaceId, "/notifications");
        using var http = Service();

        using var response = await http.PostAsJsonAsync($"/realtime/notifications/workspace/{_workspaceId}", new { type = "crisis", title = "Crisis detected", message = "Mentions up 900%", data = new { spike = 9 } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()));
        var toAlice = await alice.Events.WaitForAsync(e => e.Name == "notification", "alice's copy");
        var toBob = await bob.Events.WaitForAsync(e => e.Name == "notification", "bob's copy");
        Assert.Equal(("crisis", "alice", 9), (toAlice.Payload.GetProperty("type").GetString(), toAlice.Payload.GetProperty("userId").GetString(), toAlice.Payload.GetProperty("data").GetProperty("spike").GetInt32()));
        Assert.Equal("bob", toBob.Payload.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Dashboard_and_metrics_updates_reach_subscribers_and_the_latest_values_are_read_back()
    {
        await using var dashboard = await ConnectAsync("alice", _workspaceId, "/dashboard");
        await dashboard.Connection.InvokeAsync<JsonElement>("dashboard:subscribe");
        await using var metrics = await ConnectAsync("alice", _workspaceId, "/metrics");
        await metrics.Connection.InvokeAsync<JsonElement>("metrics:subscribe");
        using var http = Service();
        var updates = new (string Route, object Body, string Event)[]
        {
            ("metric", new { metric = "reach", value = 1200.5, platform = "instagram" }, "dashboard:metric:update"),
            ("post", new { postId = "p1", post = new { status = "published" }, platform = "instagram" }, "dashboard:post:update"),
            ("analytics", new { analytics = new { impressions = 10 } }, "dashboard:analytics:update"),
            ("followers", new { platform = "instagram", accountId = "acct-1", followers = 5400, change = 12 }, "dashboard:followers:update"),
            ("engagement", new { platform = "instagram", engagement = new { likes = 3 }, accountId = "acct-1" }, "dashboard:engagement:update"),
        };

        foreach (var (route, body, eventName) in updates)
        {
            using var response = await http.PostAsJsonAsync($"/realtime/dashboard/{_workspaceId}/{route}", body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await dashboard.Events.WaitForAsync(e => e.Name == eventName, eventName);
        }

        using var metric = await http.PostAsJsonAsync($"/realtime/metrics/{_workspaceId}", new { metric = "queue_depth", value = 7 });
        Assert.Equal(HttpStatusCode.Accepted, metric.StatusCode);
        var update = await metrics.Events.WaitForAsync(e => e.Name == "metrics:update", "metrics:update");
        Assert.Equal(("queue_depth", 7.0), (update.Payload.GetProperty("metric").GetString(), update.Payload.GetProperty("value").GetDouble()));

        var reach = dashboard.Events.Snapshot().Single(e => e.Name == "dashboard:metric:update").Payload;
        Assert.Equal(("reach", 1200.5, "instagram", _workspaceId), (reach.GetProperty("metric").GetString(), reach.GetProperty("value").GetDouble(), reach.GetProperty("platform").GetString(), reach.GetProperty("workspaceId").GetString()));
        var latest = await http.GetFromJsonAsync<JsonElement>($"/realtime/dashboard/{_workspaceId}");
        Assert.Equal(_workspaceId, latest.GetProperty("workspaceId").GetString());
        var events = latest.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("event").GetString()!).ToHashSet();
        Assert.True(updates.Select(u => u.Event).ToHashSet().IsSubsetOf(events), $"every dashboard update is kept: {string.Join(", ", events)}");
        Assert.True(events.IsSubsetOf(updates.Select(u => u.Event).Append("metrics:update")), $"nothing else is: {string.Join(", ", events)}");
        var followers = latest.GetProperty("updates").EnumerateArray().Single(u => u.GetProperty("event").GetString() == "dashboard:followers:update").GetProperty("payload");
        Assert.Equal(5400, followers.GetProperty("followers").GetInt64());
    }

    [Fact]
    public async Task A_member_reads_the_latest_dashboard_values_of_their_workspace_only()
    {
        using var member = Http(Token("alice", _workspaceId));
        using var outsider = Http(Token("mallory", _otherWorkspaceId));

        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/realtime/dashboard/{_workspaceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/realtime/dashboard/{_workspaceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"/realtime/dashboard/{_workspaceId}/metric", new { metric = "reach", value = 1 })).StatusCode);
    }

    [Fact]
    public async Task The_inbox_is_fed_over_http_and_its_subscribers_see_it_live()
    {
        await using var agent = await ConnectAsync("alice", _workspaceId, "/inbox");
        await agent.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        using var http = Service();
        var conversation = $"/realtime/inbox/{_workspaceId}/conversations/c-1";

        using var created = await http.PostAsJsonAsync($"{conversation}/messages", new { messageId = "m-1", from = "customer", authorId = "cust-9", content = "Where is my order?", data = new { channel = "instagram" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var message = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("m-1", true), (message.GetProperty("messageId").GetString(), message.GetProperty("fromCustomer").GetBoolean()));
        var live = await agent.Events.WaitForAsync(e => e.Name == "inbox:message", "the customer's message");
        Assert.Equal("Where is my order?", live.Payload.GetProperty("content").GetString());

        // The same message again (a retry without an Idempotency-Key): 200 with the message as first taken, and nothing new.
        using var again = await http.PostAsJsonAsync($"{conversation}/messages", new { messageId = "m-1", from = "customer", authorId = "cust-9", content = "Where is my order?", data = new { channel = "instagram" } });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(message.GetProperty("sentAt").GetString(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sentAt").GetString());

        using var changed = await http.PatchAsJsonAsync(conversation, new { assignedTo = "alice", status = "pending", slaSeconds = 600 });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var after = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("alice", "pending"), (after.GetProperty("assignee").GetString(), after.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.String, after.GetProperty("slaDeadline").ValueKind);
        await agent.Events.WaitForAsync(e => e.Name == "inbox:conversation:update" && e.Payload.GetProperty("status").GetString() == "pending", "the conversation update");

        using var cleared = await http.PatchAsJsonAsync(conversation, new { assignedTo = (string?)null, slaSeconds = (int?)null });
        var read = await http.GetFromJsonAsync<JsonElement>(conversation);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, "pending"), (read.GetProperty("assignee").ValueKind, read.GetProperty("slaDeadline").ValueKind, read.GetProperty("status").GetString()));

        using var team = await http.PostAsJsonAsync($"{conversation}/messages", new { messageId = "m-2", from = "team", authorId = "alice", content = "On its way." });
        Assert.Equal(HttpStatusCode.Created, team.StatusCode);
        await agent.Events.WaitForAsync(e => e.Name == "inbox:message" && e.Payload.GetProperty("messageId").GetString() == "m-2", "the team's reply");
        Assert.Equal(["m-1", "m-2"], agent.Events.Snapshot().Where(e => e.Name == "inbox:message").Select(e => e.Payload.GetProperty("messageId").GetString()));
    }

    [Fact]
    public async Task A_conversation_nobody_created_is_404_to_read_and_to_change()
    {
        using var http = Service();
        var conversation = $"/realtime/inbox/{_workspaceId}/conversations/none";

        await AssertProblemAsync(await http.GetAsync(conversation), HttpStatusCode.NotFound);
        await AssertProblemAsync(await http.PatchAsJsonAsync(conversation, new { status = "resolved" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await http.GetAsync(conversation), HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string, string, string[]> BadRequests => new()
    {
        { "POST", "/realtime/broadcast/workspace/{ws}", """{"data":{}}""", ["event"] },
        { "POST", "/realtime/broadcast/workspace/{ws}", """{"event":"campaign:launched"}""", ["data"] },
        { "POST", "/realtime/broadcast/workspace/bad%20id", """{"event":"campaign:launched","data":{}}""", ["workspaceId"] },
        { "POST", "/realtime/broadcast/user/bad%20user/workspace/{ws}", """{"event":"campaign:launched","data":{}}""", ["userId"] },
        { "POST", "/realtime/broadcast/all", """{"event":"campaign:launched","data":{"blob":"BIG"}}""", ["data"] },
        { "POST", "/realtime/notifications/workspace/{ws}", """{"type":"nope","title":"t","message":"m"}""", ["type"] },
        { "POST", "/realtime/notifications/workspace/{ws}", """{"title":5}""", ["title"] },
        { "POST", "/realtime/dashboard/{ws}/metric", """{"platform":"x"}""", ["metric", "value"] },
        { "POST", "/realtime/dashboard/{ws}/metric", """{"metric":"reach","value":"high"}""", ["value"] },
        { "POST", "/realtime/dashboard/{ws}/metric", """{"metric":"bad metric","value":1}""", ["metric"] },
        { "POST", "/realtime/dashboard/{ws}/followers", """{"platform":"instagram","accountId":"a","followers":1}""", ["change"] },
        { "POST", "/realtime/dashboard/{ws}/post", """{"postId":"p1","post":{"blob":"BIG"}}""", ["post"] },
        { "POST", "/realtime/metrics/{ws}", """{"metric":"depth"}""", ["value"] },
        { "POST", "/realtime/inbox/{ws}/conversations/c-bad/messages", """{"messageId":"m","from":"bot","authorId":"a","content":"c"}""", ["from"] },
        { "POST", "/realtime/inbox/{ws}/conversations/c-bad/messages", """{"from":"customer"}""", ["messageId", "authorId", "content"] },
        { "POST", "/realtime/inbox/{ws}/conversations/c-bad/messages", """{"messageId":"m","from":"team","authorId":"a","content":"c","sentAt":"yesterday"}""", ["sentAt"] },
        { "PATCH", "/realtime/inbox/{ws}/conversations/c-bad", """{}""", ["body"] },
        { "PATCH", "/realtime/inbox/{ws}/conversations/c-bad", """{"status":"snoozed","slaSeconds":-1,"assignedTo":5}""", ["status", "slaSeconds", "assignedTo"] },
        { "PATCH", "/realtime/inbox/{ws}/conversations/c-bad", """[1]""", ["body"] },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_400_problem_json_naming_each_field_and_changes_nothing(string method, string path, string body, string[] fields)
    {
        using var http = Service();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{ws}", _workspaceId, StringComparison.Ordinal))
        {
            Content = new StringContent(body.Replace("BIG", new string('x', 17 * 1024), StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };

        using var response = await http.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, fields);
        Assert.Equal(fields.Order(), problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        await AssertProblemAsync(await http.GetAsync($"/realtime/inbox/{_workspaceId}/conversations/c-bad"), HttpStatusCode.NotFound);
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>($"/realtime/dashboard/{_workspaceId}")).GetProperty("updates").EnumerateArray());
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement.Clone();
            foreach (var field in fields)
            {
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {body}");
            }

            return problem;
        }
    }

    private static List<int> Broadcasts(TestClient client) =>
        client.Events.Snapshot().Where(e => e.Name == "campaign:launched").Select(N).ToList();

    private static int N(ReceivedEvent e) =>
        e.Name == "campaign:launched" ? e.Payload.GetProperty("n").GetInt32() : 0;

    private async Task<TestClient> ConnectAsync(string userId, string workspaceId, string hub = "/realtime")
    {
        var client = await TestClient.ConnectAsync(System.EdgeUrls[0], Token(userId, workspaceId), workspaceId, hub);
        client.Record("campaign:launched");

        // On /realtime, registered with the workspace (a broadcast in the first moments is a documented limit).
        await (hub == "/realtime"
            ? client.WaitForPresenceAsync(userId, "online")
            : client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} connected"));
        return client;
    }

    private HttpClient Service() => Http(System.Tokens.Issue("crm-service", [], ["service"], TimeSpan.FromMinutes(5)));

    private HttpClient Http(string token)
    {
        var http = new HttpClient { BaseAddress = System.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private string Token(string userId, string workspaceId) => System.Tokens.Issue(userId, [workspaceId], ["member"], TimeSpan.FromMinutes(5));
}
