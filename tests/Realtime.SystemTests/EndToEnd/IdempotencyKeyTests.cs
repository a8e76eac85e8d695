using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>
/// Idempotency-Key on the HTTP API's POSTs (docs/protocol.md), on the production providers: 2 silos on
/// Redis and 2 edges. A retry answers as the first request did, on either edge, and nothing is
/// delivered twice; the key with another request is 422.
/// </summary>
[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class IdempotencyKeyTests(RedisSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task A_retried_broadcast_answers_the_same_on_the_other_edge_and_is_delivered_once()
    {
        await using var alice = await ConnectAsync("alice");
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(0, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 1 } }, key);
        using var retry = await PostAsync(1, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 1 } }, key);
        using var next = await PostAsync(0, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 2 } }, key: null);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, retry.StatusCode));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], retry.Headers.GetValues("Idempotent-Replayed"));
        await alice.Events.WaitForAsync(e => N(e) == 2, "the broadcast after the retry");
        Assert.Equal([1, 2], alice.Events.Snapshot().Where(e => e.Name == "campaign:launched").Select(N));
    }

    [Fact]
    public async Task A_retried_notification_and_inbox_message_answer_with_the_first_body()
    {
        await using var bob = await ConnectAsync("bob", "/notifications");
        var key = Guid.NewGuid().ToString();
        var notification = new { userId = "bob", workspaceId = _workspaceId, type = "mention", title = "t", message = "m" };
        var message = new { messageId = "m-1", from = "customer", authorId = "cust", content = "hello" };

        using var sent = await PostAsync(0, "/realtime/notifications/send", notification, key);
        using var again = await PostAsync(1, "/realtime/notifications/send", notification, key);
        using var created = await PostAsync(0, $"/realtime/inbox/{_workspaceId}/conversations/c-1/messages", message, $"{key}-inbox");
        using var createdAgain = await PostAsync(1, $"/realtime/inbox/{_workspaceId}/conversations/c-1/messages", message, $"{key}-inbox");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(await sent.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("application/json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (created.StatusCode, createdAgain.StatusCode));
        Assert.Equal(await created.Content.ReadAsStringAsync(), await createdAgain.Content.ReadAsStringAsync());
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var marker = await PostAsync(0, "/realtime/notifications/send", notification with { title = "after" }, key: null);
        await bob.Events.WaitForAsync(e => e.Name == "notification" && e.Payload.GetProperty("title").GetString() == "after", "the notification after the retry");
        Assert.Equal([id, (await marker.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()], bob.Events.Snapshot().Where(e => e.Name == "notification").Select(e => e.Payload.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task The_key_with_another_request_is_422_and_another_caller_s_key_is_its_own()
    {
        await using var alice = await ConnectAsync("alice");
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(0, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 1 } }, key);
        using var otherBody = await PostAsync(1, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 9 } }, key);
        using var otherPath = await PostAsync(1, "/realtime/broadcast/all", new { @event = "campaign:launched", data = new { n = 1 } }, key);
        using var otherCaller = await PostAsync(1, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 2 } }, key, caller: "billing-service");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal("application/problem+json", otherBody.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherPath.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, otherCaller.StatusCode);
        await alice.Events.WaitForAsync(e => N(e) == 2, "the other caller's broadcast");
        Assert.Equal([1, 2], alice.Events.Snapshot().Where(e => e.Name == "campaign:launched").Select(N));
    }

    [Fact]
    public async Task Retries_racing_on_both_edges_deliver_once()
    {
        await using var alice = await ConnectAsync("alice");
        var key = Guid.NewGuid().ToString();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            PostAsync(i % 2, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 1 } }, key)));
        using var next = await PostAsync(0, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 2 } }, key: null);

        Assert.All(attempts, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        Assert.Contains(attempts, a => a.StatusCode == HttpStatusCode.Accepted && !a.Headers.Contains("Idempotent-Replayed"));
        Assert.All(attempts.Where(a => a.StatusCode == HttpStatusCode.Conflict), a => Assert.NotNull(a.Headers.RetryAfter));
        await alice.Events.WaitForAsync(e => N(e) == 2, "the broadcast after the race");
        Assert.Equal([1, 2], alice.Events.Snapshot().Where(e => e.Name == "campaign:launched").Select(N));
        foreach (var attempt in attempts)
        {
            attempt.Dispose();
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-long")]
    public async Task A_key_that_is_empty_or_too_long_is_400_naming_the_header(string key)
    {
        using var response = await PostAsync(0, $"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { } }, key == "too-long" ? new string('k', 129) : key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    private async Task<HttpResponseMessage> PostAsync(int edge, string path, object body, string? key, string caller = "crm-service")
    {
        using var http = Http(edge, caller);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return await http.SendAsync(request);
    }

    private HttpClient Http(int edge, string caller = "crm-service")
    {
        var http = new HttpClient { BaseAddress = System.EdgeUrls[edge] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", System.Tokens.Issue(caller, [], ["service"], TimeSpan.FromMinutes(5)));
        return http;
    }

    private async Task<TestClient> ConnectAsync(string userId, string hub = "/realtime")
    {
        var client = await TestClient.ConnectAsync(System.EdgeUrls[0], System.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(5)), _workspaceId, hub);
        client.Record("campaign:launched");
        await (hub == "/realtime"
            ? client.WaitForPresenceAsync(userId, "online")
            : client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} connected"));
        return client;
    }

    private static int N(ReceivedEvent e) => e.Name == "campaign:launched" ? e.Payload.GetProperty("n").GetInt32() : 0;
}
