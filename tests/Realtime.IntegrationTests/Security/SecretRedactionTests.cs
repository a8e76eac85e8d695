using System.Net;
using Microsoft.AspNetCore.Http.Connections;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// Nothing secret in logs: browsers send their token in the URL of WebSocket, SSE and negotiate
/// requests, and ASP.NET Core's hosting logs every URL (at Information, before any middleware).
/// The edge takes the token out of the URL first; the fixture captures every ASP.NET Core and
/// edge log line down to Debug.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(SecuritySystemCollection.Name)]
public sealed class SecretRedactionTests(SecuritySystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task Tokens_in_urls_work_for_hubs_and_never_reach_the_logs()
    {
        var system = fixture.System;
        var hubToken = system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
        var sseToken = system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(6));
        var apiToken = system.Tokens.Issue("ops", [], ["admin"], TimeSpan.FromMinutes(5));

        // As a browser does: the token only in the query string, on negotiate and on the socket.
        await using (var socket = await TestClient.ConnectAsync(system.EdgeUrls[0], null!, _workspaceId, extraQuery: $"access_token={hubToken}"))
        {
            await socket.Events.WaitForAsync(e => e.Name == "connected", "connected with the token in the URL");
        }

        await using (var sse = await TestClient.ConnectAsync(system.EdgeUrls[0], null!, _workspaceId, extraQuery: $"access_token={sseToken}", transport: HttpTransportType.ServerSentEvents))
        {
            await sse.Events.WaitForAsync(e => e.Name == "connected", "connected over SSE with the token in the URL");
        }

        // Outside the hubs a token in the URL is not accepted (and not logged either).
        using var http = new HttpClient { BaseAddress = system.EdgeUrls[0] };
        using var stats = await http.GetAsync($"/realtime/stats?access_token={apiToken}&marker=stats-{_workspaceId}");
        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);

        // The capture works: the request of the URL token is there, without it.
        var logged = await Eventually.UntilAsync(
            () => Task.FromResult(fixture.Logs.Lines),
            lines => lines.Any(l => l.Contains($"marker=stats-{_workspaceId}", StringComparison.Ordinal) && l.Contains("Request finished", StringComparison.Ordinal)),
            "the hosting log of the stats request");
        Assert.Contains(logged, l => l.Contains("/realtime/negotiate", StringComparison.Ordinal) && l.Contains(_workspaceId, StringComparison.Ordinal));
        foreach (var secret in new[] { hubToken, sseToken, apiToken, RealtimeSystem.SigningKey })
        {
            Assert.DoesNotContain(logged, l => l.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(logged, l => l.Contains("access_token", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Errors_are_problem_json_without_internals()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new("Bearer", fixture.System.Tokens.Issue("ops", [], ["service"], TimeSpan.FromMinutes(5)));

        using var malformed = await http.PostAsync("/realtime/notifications/send", new StringContent("{ \"userId\": ", System.Text.Encoding.UTF8, "application/json"));

        var body = await malformed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }
}
