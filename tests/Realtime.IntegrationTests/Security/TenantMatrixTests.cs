using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.EdgeGateway.Hubs;
using Xunit.Abstractions;
using static Realtime.TestFixtures.TenantMatrix;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// The tenant matrix (docs/security.md): for every hub event and every HTTP endpoint of workspace
/// A, a user of another workspace, a user without the role, an expired token, a token signed with
/// another key, a token edited after signing, no token (and for HTTP a token in the URL) are all
/// refused, while a legitimate member of A is busy, and a listener in workspace B on every hub
/// receives nothing of A.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(SecuritySystemCollection.Name)]
public sealed class TenantMatrixTests(SecuritySystemFixture fixture, ITestOutputHelper output)
{
    /// <summary>The count docs/security.md reports; a new event or endpoint changes it there too.</summary>
    public const int ExpectedCases = 288;

    private readonly string _a = $"wa-{Guid.NewGuid():N}";
    private readonly string _b = $"wb-{Guid.NewGuid():N}";
    private readonly List<string> _failures = [];
    private int _cases;

    private RealtimeSystem System => fixture.System;

    private Uri Edge => System.EdgeUrls[0];

    [Fact]
    public async Task Every_attacker_is_refused_on_every_hub_event_and_endpoint_and_nothing_of_A_reaches_B()
    {
        var listeners = await ConnectEverywhereAsync("bob", _b);
        var alice = await ConnectEverywhereAsync("alice", _a);
        try
        {
            await BeBusyInAAsync(alice);
            await TryHubEventsAsync();
            await TryEndpointsAsync();
            await BeBusyInAAsync(alice);

            // B's listeners are alive to the end: B's own notification, sent last, reaches them.
            await SendNotificationAsync("bob", _b, "last");
            await listeners[HubPaths.Notifications].Events.WaitForAsync(e => e.Name == "notification", "B's own notification");
        }
        finally
        {
            foreach (var client in listeners.Values.Concat(alice.Values))
            {
                await client.DisposeAsync();
            }
        }

        output.WriteLine($"{_cases} cases, {_cases - _failures.Count} refused");
        Assert.True(_failures.Count == 0, string.Join(Environment.NewLine, _failures));
        var leaked = listeners.Values.SelectMany(l => l.Events.Snapshot())
            .Where(e => e.Payload.GetRawText().Contains(_a, StringComparison.Ordinal) || e.Payload.GetRawText().Contains("alice", StringComparison.Ordinal))
            .ToList();
        Assert.True(leaked.Count == 0, "reached B: " + string.Join(" | ", leaked));
        Assert.Equal(ExpectedCases, _cases);
    }

    private async Task TryHubEventsAsync()
    {
        var attackers = new (string Who, string? Token, HttpStatusCode Expected)[]
        {
            ("a user of another workspace", Token("mallory", [_b], "member"), HttpStatusCode.Forbidden),
            ("a service (no hub role)", Token("mallory", [_a], "service"), HttpStatusCode.Forbidden),
            ("a guest (no known role)", Token("mallory", [_a], "guest"), HttpStatusCode.Forbidden),
            ("an expired token", AttackTokens.Expired("mallory", [_a], ["member"]), HttpStatusCode.Unauthorized),
            ("another key", AttackTokens.SignedWithAnotherKey("mallory", [_a], ["member"]), HttpStatusCode.Unauthorized),
            ("altered claims", AttackTokens.WithAlteredClaims(Token("mallory", [_b], "member"), [_a, _b], "admin"), HttpStatusCode.Unauthorized),
            ("no token", null, HttpStatusCode.Unauthorized),
        };

        var insiders = new Dictionary<string, TestClient>();
        try
        {
            foreach (var hubEvent in HubEvents)
            {
                foreach (var (who, token, expected) in attackers)
                {
                    _cases++;
                    var status = await ConnectAndInvokeAsync(hubEvent, token);
                    Expect(status == expected, $"{hubEvent} by {who}: {status?.ToString() ?? "connected"}, expected {expected}");
                }

                if (hubEvent.Payload(_a) is { } payload)
                {
                    // Mallory is a member of B: her connection there must not act in A.
                    _cases++;
                    if (!insiders.TryGetValue(hubEvent.Hub, out var mallory))
                    {
                        insiders[hubEvent.Hub] = mallory = await TestClient.ConnectAsync(Edge, Token("mallory", [_b], "member"), _b, hubEvent.Hub);
                    }

                    var refused = await Assert.ThrowsAnyAsync<Exception>(() => mallory.Connection.InvokeCoreAsync(hubEvent.Name, typeof(JsonElement), [payload]));
                    Expect(refused is HubException && refused.Message.Contains("cannot act in another workspace", StringComparison.Ordinal), $"{hubEvent} naming A from B: {refused.Message}");
                }
            }
        }
        finally
        {
            foreach (var client in insiders.Values)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task TryEndpointsAsync()
    {
        foreach (var endpoint in Endpoints)
        {
            var withoutRole = endpoint.WithoutRole switch
            {
                Role.Guest => Token("mallory", [_a], "guest"),
                Role.Service => Token("crm-service", [_a], "service"),
                _ => Token("alice", [_a], "member"),
            };
            var attackers = new (string Who, string? Token, bool InUrl, HttpStatusCode Expected)[]
            {
                ("a user of another workspace", Token("mallory", [_b], "member"), false, HttpStatusCode.Forbidden),
                ($"a user without the role ({endpoint.WithoutRole})", withoutRole, false, HttpStatusCode.Forbidden),
                ("an expired token", AttackTokens.Expired("mallory", [_a], ["admin"]), false, HttpStatusCode.Unauthorized),
                ("another key", AttackTokens.SignedWithAnotherKey("mallory", [_a], ["admin"]), false, HttpStatusCode.Unauthorized),
                ("altered claims", AttackTokens.WithAlteredClaims(Token("mallory", [_b], "member"), [_a, _b], "admin"), false, HttpStatusCode.Unauthorized),
                ("no token", null, false, HttpStatusCode.Unauthorized),
                ("a valid token in the URL (hubs only)", Token("ops", [_a], "admin"), true, HttpStatusCode.Unauthorized),
            };
            foreach (var (who, token, inUrl, expected) in attackers)
            {
                _cases++;
                using var response = await SendAsync(endpoint, token, inUrl);
                var body = await response.Content.ReadAsStringAsync();
                Expect(response.StatusCode == expected, $"{endpoint} by {who}: {(int)response.StatusCode}, expected {(int)expected}");
                Expect(!body.Contains("Exception", StringComparison.Ordinal) && !body.Contains(" at ", StringComparison.Ordinal), $"{endpoint} by {who} leaks internals: {body}");
            }
        }
    }

    /// <summary>The refusal status of the connection, or null if it connected (and then the event was tried).</summary>
    private async Task<HttpStatusCode?> ConnectAndInvokeAsync(HubEvent hubEvent, string? token)
    {
        var connection = TestClient.Build(Edge, hubEvent.Hub, _a, token);
        await using (connection)
        {
            try
            {
                await connection.StartAsync();
            }
            catch (HttpRequestException ex)
            {
                return ex.StatusCode;
            }

            var payload = hubEvent.Payload(_a);
            await connection.InvokeCoreAsync(hubEvent.Name, typeof(JsonElement), payload is null ? [] : [payload]);
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Endpoint endpoint, string? token, bool inUrl)
    {
        using var http = new HttpClient { BaseAddress = Edge };
        var path = endpoint.Path(_a);
        if (inUrl)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"access_token={token}";
        }

        using var request = new HttpRequestMessage(endpoint.Method, path);
        if (token is not null && !inUrl)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (endpoint.Body(_a) is { } body)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Alice uses every hub event of A, and a service notifies her: A has plenty that could leak.</summary>
    private async Task BeBusyInAAsync(Dictionary<string, TestClient> alice)
    {
        foreach (var hubEvent in HubEvents)
        {
            var payload = hubEvent.Payload(_a);
            try
            {
                await alice[hubEvent.Hub].Connection.InvokeCoreAsync(hubEvent.Name, typeof(JsonElement), payload is null ? [] : [payload]);
            }
            catch (HubException)
            {
                // An unknown notification or conversation of A: refused as bad input, fine here.
            }
        }

        var title = $"for alice {Guid.NewGuid():N}";
        await SendNotificationAsync("alice", _a, title);
        await alice[HubPaths.Notifications].Events.WaitForAsync(
            e => e.Name == "notification" && e.Payload.GetProperty("title").GetString() == title, "alice's own notification in A");
    }

    private async Task<Dictionary<string, TestClient>> ConnectEverywhereAsync(string userId, string workspaceId)
    {
        var clients = new Dictionary<string, TestClient>();
        foreach (var hub in HubPaths.All)
        {
            clients[hub] = await TestClient.ConnectAsync(Edge, Token(userId, [workspaceId], "member"), workspaceId, hub);
        }

        await clients[HubPaths.Dashboard].Connection.InvokeAsync<JsonElement>("dashboard:subscribe");
        await clients[HubPaths.Metrics].Connection.InvokeAsync<JsonElement>("metrics:subscribe");
        await clients[HubPaths.Inbox].Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        return clients;
    }

    private async Task SendNotificationAsync(string userId, string workspaceId, string title)
    {
        using var http = new HttpClient { BaseAddress = Edge };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("crm-service", [], "service"));
        using var response = await http.PostAsJsonAsync("/realtime/notifications/send", new { userId, workspaceId, type = "mention", title, message = "m" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private string Token(string userId, IReadOnlyCollection<string> workspaces, string role) =>
        System.Tokens.Issue(userId, workspaces, [role], TimeSpan.FromMinutes(5));

    private void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            _failures.Add(failure);
        }
    }
}
