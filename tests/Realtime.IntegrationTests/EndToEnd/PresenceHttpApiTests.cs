using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>The presence REST endpoints of docs/protocol.md, authorized as it says.</summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class PresenceHttpApiTests(EmbeddedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task A_member_reads_the_workspace_presence_and_one_users_presence()
    {
        await using var bob = await TestClient.ConnectAsync(System.EdgeUrls[0], Token("bob"), _workspaceId);
        await bob.WaitForPresenceAsync("bob", "online"); // registered: the handshake completes before that
        using var http = Http(Token("alice"));

        var workspace = await http.GetFromJsonAsync<JsonElement>($"/realtime/presence/workspace/{_workspaceId}");
        var user = await http.GetFromJsonAsync<JsonElement>($"/realtime/presence/user/bob/workspace/{_workspaceId}");

        Assert.Equal(_workspaceId, workspace.GetProperty("workspaceId").GetString());
        Assert.Equal("bob", workspace.GetProperty("users")[0].GetProperty("userId").GetString());
        Assert.Equal("online", user.GetProperty("status").GetString());
        Assert.Equal(1, user.GetProperty("connectionCount").GetInt32());
    }

    [Fact]
    public async Task A_user_never_seen_is_404_problem_json()
    {
        using var http = Http(Token("alice"));

        using var response = await http.GetAsync($"/realtime/presence/user/nobody/workspace/{_workspaceId}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_service_token_reads_any_workspace()
    {
        using var http = Http(System.Tokens.Issue("billing-service", [], ["service"], TimeSpan.FromMinutes(5)));

        using var response = await http.GetAsync($"/realtime/presence/workspace/{_workspaceId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("other-workspace", HttpStatusCode.Forbidden)]
    public async Task Reads_need_a_token_granting_the_workspace(string? grantedWorkspace, HttpStatusCode expected)
    {
        using var http = Http(grantedWorkspace is null ? null : System.Tokens.Issue("mallory", [grantedWorkspace], ["member"], TimeSpan.FromMinutes(5)));

        using var workspace = await http.GetAsync($"/realtime/presence/workspace/{_workspaceId}");
        using var user = await http.GetAsync($"/realtime/presence/user/bob/workspace/{_workspaceId}");

        Assert.Equal(expected, workspace.StatusCode);
        Assert.Equal(expected, user.StatusCode);
    }

    [Fact]
    public async Task A_bad_page_size_is_400_problem_json()
    {
        using var http = Http(Token("alice"));

        using var response = await http.GetAsync($"/realtime/presence/workspace/{_workspaceId}?limit=100000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private string Token(string userId) => System.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(5));

    private HttpClient Http(string? token)
    {
        var http = new HttpClient { BaseAddress = System.EdgeUrls[0] };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
