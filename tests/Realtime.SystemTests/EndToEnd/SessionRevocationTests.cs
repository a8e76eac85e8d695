using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>
/// Session revocation (docs/protocol.md, <c>DELETE /realtime/connections/user/{userId}</c>) on the
/// production providers, 2 silos on Redis and 2 edges: the user's connections on both edges are
/// told and closed, and their tokens issued before are refused on both until they expire.
/// </summary>
[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class SessionRevocationTests(RedisSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private readonly string _otherWorkspaceId = $"ws-{Guid.NewGuid():N}";
    private readonly string _userId = $"u-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task Revoking_a_user_tells_and_closes_their_connections_on_every_edge_and_refuses_their_earlier_tokens()
    {
        var earlier = Token(_userId, _workspaceId, _otherWorkspaceId);
        await using var tab = await ConnectAsync(0, earlier, _workspaceId, "/realtime");
        await using var phone = await ConnectAsync(1, earlier, _otherWorkspaceId, "/notifications");
        await using var teammate = await ConnectAsync(0, Token("teammate", _workspaceId), _workspaceId, "/realtime");
        var tabClosed = ClosedAsync(tab);
        var phoneClosed = ClosedAsync(phone);

        using var response = await Service(0).DeleteAsync($"/realtime/connections/user/{_userId}?reason=offboarded");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("closed").GetInt32());
        foreach (var client in new[] { tab, phone })
        {
            var revoked = await client.Events.WaitForAsync(e => e.Name == "session:revoked", "session:revoked");
            Assert.Equal("offboarded", revoked.Payload.GetProperty("reason").GetString());
        }

        await Task.WhenAll(tabClosed, phoneClosed).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HubConnectionState.Connected, teammate.Connection.State);
        foreach (var edge in new[] { 0, 1 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await RefusalAsync(edge, earlier, _workspaceId));
            Assert.Equal(HttpStatusCode.Unauthorized, await RefusalAsync(edge, earlier, _otherWorkspaceId));
            using var read = await Http(edge, earlier).GetAsync($"/realtime/presence/workspace/{_workspaceId}");
            Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        }

        // A token issued after the revocation (in a later second) gets in again.
        var revokedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), now => now > revokedAt, "the next second");
        await using var again = await ConnectAsync(1, Token(_userId, _workspaceId), _workspaceId, "/realtime");
    }

    [Fact]
    public async Task Revoking_in_one_workspace_leaves_the_user_s_other_workspaces_alone()
    {
        var earlier = Token(_userId, _workspaceId, _otherWorkspaceId);
        await using var revoked = await ConnectAsync(0, earlier, _workspaceId, "/presence");
        await using var kept = await ConnectAsync(1, earlier, _otherWorkspaceId, "/presence");
        var revokedClosed = ClosedAsync(revoked);

        using var response = await Service(1).DeleteAsync($"/realtime/connections/user/{_userId}?workspaceId={_workspaceId}&reason=removed%20from%20team");

        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("closed").GetInt32());
        Assert.Equal("removed from team", (await revoked.Events.WaitForAsync(e => e.Name == "session:revoked", "session:revoked")).Payload.GetProperty("reason").GetString());
        await revokedClosed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusalAsync(0, earlier, _workspaceId));
        await using var stillWelcome = await ConnectAsync(0, earlier, _otherWorkspaceId, "/realtime");
        Assert.Equal(HubConnectionState.Connected, kept.Connection.State);
        Assert.DoesNotContain(kept.Events.Snapshot(), e => e.Name == "session:revoked");
    }

    [Theory]
    [InlineData("bad%20user", "", "userId")]
    [InlineData("alice", "?workspaceId=bad%20ws", "workspaceId")]
    [InlineData("alice", "?reason=LONG", "reason")]
    public async Task Bad_input_is_400_naming_the_field_and_revokes_nothing(string userId, string query, string field)
    {
        using var response = await Service(0).DeleteAsync($"/realtime/connections/user/{userId}{query.Replace("LONG", new string('r', 201), StringComparison.Ordinal)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.DoesNotContain(await System.EdgeService<IClusterClient>().GetGrain<Realtime.Grains.Sessions.ISessionRevocationGrain>(0).GetActive(), r => r.UserId == "alice");
    }

    private static Task ClosedAsync(TestClient client)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    /// <summary>The status a new connection with the token gets (it must be refused).</summary>
    private async Task<HttpStatusCode?> RefusalAsync(int edge, string token, string workspaceId)
    {
        var connection = TestClient.Build(System.EdgeUrls[edge], "/realtime", workspaceId, token);
        await using (connection)
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
            return refused.StatusCode;
        }
    }

    private async Task<TestClient> ConnectAsync(int edge, string token, string workspaceId, string hub)
    {
        var client = await TestClient.ConnectAsync(System.EdgeUrls[edge], token, workspaceId, hub);
        await client.Events.WaitForAsync(e => e.Name == "connected", "connected");
        return client;
    }

    private HttpClient Service(int edge) => Http(edge, System.Tokens.Issue("identity-service", [], ["service"], TimeSpan.FromMinutes(5)));

    private HttpClient Http(int edge, string token)
    {
        var http = new HttpClient { BaseAddress = System.EdgeUrls[edge] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private string Token(string userId, params string[] workspaces) => System.Tokens.Issue(userId, workspaces, ["member"], TimeSpan.FromMinutes(5));
}
