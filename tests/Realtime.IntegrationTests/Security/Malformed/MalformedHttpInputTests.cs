using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// Malformed input on the HTTP API: bodies that are not JSON, not an object, or have a field of the
/// wrong JSON type, and query values that do not parse, answer 400 problem+json naming the field,
/// never 500, and store nothing. Run against a Production edge and a Development one (the embedded
/// default of ./run.sh), which ASP.NET Core treats differently unless told otherwise.
/// </summary>
public abstract class MalformedHttpInputTests(RealtimeSystem system)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    /// <summary>A body posted to /realtime/notifications/send, and the field its 400 must name.</summary>
    public static TheoryData<string, string, string> Bodies => new()
    {
        { "truncated JSON", """{ "userId": """, "userId" },
        { "not JSON", "hello, this is not JSON", "body" },
        { "a JSON array", """[{ "userId": "alice" }]""", "body" },
        { "a JSON string", "\"alice\"", "body" },
        { "a JSON number", "42", "body" },
        { "JSON null", "null", "body" },
        { "an empty body", "", "body" },
        { "title of the wrong type", """{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": 5, "message": "m" }""", "title" },
        { "userId an object", """{ "userId": { "id": "alice" }, "workspaceId": "WS", "type": "mention", "title": "t", "message": "m" }""", "userId" },
        { "message true", """{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": "t", "message": true }""", "message" },
        { "type an array", """{ "userId": "alice", "workspaceId": "WS", "type": ["mention"], "title": "t", "message": "m" }""", "type" },
        { "an unknown type", """{ "userId": "alice", "workspaceId": "WS", "type": "party", "title": "t", "message": "m" }""", "type" },
        { "a missing title", """{ "userId": "alice", "workspaceId": "WS", "type": "mention", "message": "m" }""", "title" },
        { "a number too large", """{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": 1e999, "message": "m" }""", "title" },
        { "trailing garbage", """{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": "t", "message": "m" } }""", "body" },
        { "an unpaired surrogate escape", """{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": "\ud800", "message": "m" }""", "title" },
        { "data nested too deep", """{ "userId": "alice", "workspaceId": "WS", "type": "mention", "title": "t", "message": "m", "data": """ + new string('[', 200) + new string(']', 200) + " }", "data" },
    };

    /// <summary>Every other write route, with a body whose field has the wrong JSON type, and that field.</summary>
    public static TheoryData<string, string, string, string> WriteRoutes => new()
    {
        { "POST", "/realtime/notifications/workspace/WS", """{ "type": "crisis", "title": ["t"], "message": "m" }""", "title" },
        { "POST", "/realtime/broadcast/workspace/WS", """{ "event": 5, "data": {} }""", "event" },
        { "POST", "/realtime/broadcast/user/alice/workspace/WS", """{ "event": { "name": "e" }, "data": {} }""", "event" },
        { "POST", "/realtime/broadcast/all", """{ "event": true, "data": {} }""", "event" },
        { "POST", "/realtime/dashboard/WS/metric", """{ "metric": "reach", "value": "high" }""", "value" },
        { "POST", "/realtime/dashboard/WS/post", """{ "postId": 5, "post": {} }""", "postId" },
        { "POST", "/realtime/dashboard/WS/analytics", """{ "analytics": {}, "platform": 7 }""", "platform" },
        { "POST", "/realtime/dashboard/WS/followers", """{ "platform": "ig", "accountId": "a", "followers": "many", "change": 1 }""", "followers" },
        { "POST", "/realtime/dashboard/WS/engagement", """{ "platform": ["ig"], "engagement": {} }""", "platform" },
        { "POST", "/realtime/metrics/WS", """{ "metric": "depth", "value": [1] }""", "value" },
        { "POST", "/realtime/inbox/WS/conversations/c1/messages", """{ "messageId": "m", "from": "customer", "authorId": "a", "content": 12 }""", "content" },
        { "PATCH", "/realtime/inbox/WS/conversations/c1", """{ "status": 3 }""", "status" },
    };

    /// <summary>A GET with query values that do not parse or are out of range, and the field its 400 must name.</summary>
    public static TheoryData<string, string> Queries => new()
    {
        { "/realtime/notifications/workspace/WS?limit=abc", "limit" },
        { "/realtime/notifications/workspace/WS?limit=99999999999", "limit" },
        { "/realtime/notifications/workspace/WS?limit=0", "limit" },
        { "/realtime/notifications/workspace/WS?unreadOnly=maybe", "unreadOnly" },
        { "/realtime/notifications/workspace/WS?cursor=not-a-cursor", "cursor" },
        { "/realtime/presence/workspace/WS?onlineOnly=maybe", "onlineOnly" },
        { "/realtime/presence/workspace/WS?limit=abc", "limit" },
        { "/realtime/presence/workspace/WS?limit=-1", "limit" },
        { "/realtime/presence/workspace/WS?cursor=%2F%2F..", "cursor" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_malformed_body_is_400_problem_json_naming_the_field_and_nothing_is_stored(string name, string body, string field)
    {
        using var service = Http("crm-service", "service");

        using var response = await service.PostAsync(
            "/realtime/notifications/send",
            new StringContent(body.Replace("WS", _workspaceId, StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        await AssertNamesAsync(response, field, name);
        Assert.Empty(await AlicesNotificationsAsync());
    }

    [Theory]
    [MemberData(nameof(WriteRoutes))]
    public async Task Every_write_route_answers_a_malformed_body_with_400_naming_the_field_and_does_nothing(string method, string path, string wrongType, string field)
    {
        using var service = Http("crm-service", "service");
        var route = path.Replace("WS", _workspaceId, StringComparison.Ordinal);

        foreach (var (body, named) in new[] { (wrongType, field), ("hello, this is not JSON", "body"), ("[1, 2]", "body"), ("", "body") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), route) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await service.SendAsync(request);
            await AssertNamesAsync(response, named, $"{method} {path} with {body}");
        }

        using var asText = new HttpRequestMessage(new HttpMethod(method), route) { Content = new StringContent(wrongType, Encoding.UTF8, "text/plain") };
        using var refused = await service.SendAsync(asText);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Empty((await service.GetFromJsonAsync<JsonElement>($"/realtime/dashboard/{_workspaceId}")).GetProperty("updates").EnumerateArray());
        using var conversation = await service.GetAsync($"/realtime/inbox/{_workspaceId}/conversations/c1");
        Assert.Equal(HttpStatusCode.NotFound, conversation.StatusCode);
        Assert.Empty(await AlicesNotificationsAsync());
    }

    /// <summary>Not malformed JSON but no JSON at all: 415, as HTTP has it, still problem+json.</summary>
    [Fact]
    public async Task A_body_sent_as_another_media_type_is_415_problem_json()
    {
        using var service = Http("crm-service", "service");
        var json = $$"""{ "userId": "alice", "workspaceId": "{{_workspaceId}}", "type": "mention", "title": "t", "message": "m" }""";

        using var text = await service.PostAsync("/realtime/notifications/send", new StringContent(json, Encoding.UTF8, "text/plain"));
        using var form = await service.PostAsync("/realtime/notifications/send", new FormUrlEncodedContent([new("userId", "alice")]));

        foreach (var response in new[] { text, form })
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(await AlicesNotificationsAsync());
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task An_unparsable_query_value_is_400_problem_json_naming_it(string path, string field)
    {
        using var member = Http("alice", "member");

        using var response = await member.GetAsync(path.Replace("WS", _workspaceId, StringComparison.Ordinal));

        await AssertNamesAsync(response, field, path);
    }

    [Fact]
    public async Task Good_input_still_goes_through()
    {
        using var service = Http("crm-service", "service");

        using var sent = await service.PostAsJsonAsync("/realtime/notifications/send", new { userId = "alice", workspaceId = _workspaceId, type = "mention", title = "t", message = "m" });

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Single(await AlicesNotificationsAsync());
    }

    private static async Task AssertNamesAsync(HttpResponseMessage response, string field, string because)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{because}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"{because}: no error for '{field}' in {body}");
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> AlicesNotificationsAsync()
    {
        using var alice = Http("alice", "member");
        var page = await alice.GetFromJsonAsync<JsonElement>($"/realtime/notifications/workspace/{_workspaceId}");
        return [.. page.GetProperty("notifications").EnumerateArray()];
    }

    private HttpClient Http(string userId, string role)
    {
        var http = new HttpClient { BaseAddress = system.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", system.Tokens.Issue(userId, [_workspaceId], [role], TimeSpan.FromMinutes(5)));
        return http;
    }
}

/// <summary>The embedded default's environment, as ./run.sh starts it.</summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class MalformedHttpInputInDevelopmentTests(EmbeddedSystemFixture fixture) : MalformedHttpInputTests(fixture.System);

[Trait("Kind", "Integration")]
[Collection(MalformedInputCollection.Name)]
public sealed class MalformedHttpInputInProductionTests(MalformedInputFixture fixture) : MalformedHttpInputTests(fixture.System);
