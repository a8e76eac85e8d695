using System.Net;
using System.Net.Http.Headers;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// With Jwt:Authority, the edge takes its signing keys from the authority's JWKS and follows a
/// rotation without a restart: a token naming a key it does not know makes it fetch the keys
/// again (at most once per Jwt:KeyRefreshMinimumInterval).
/// </summary>
[Trait("Kind", "Integration")]
public sealed class SigningKeyRotationTests
{
    [Fact]
    public async Task Tokens_of_a_new_key_are_accepted_after_the_authority_rotates_without_restarting_the_edge()
    {
        await using var authority = await TestAuthority.StartAsync();
        await using var system = await RealtimeSystem.StartEmbeddedAsync(
            environment: "Production",
            edgeSettings: new Dictionary<string, string?>
            {
                ["Jwt:Authority"] = authority.Url,
                ["Jwt:RequireHttpsMetadata"] = "false",
                ["Jwt:KeyRefreshMinimumInterval"] = "00:00:01",
            });
        var workspaceId = $"ws-{Guid.NewGuid():N}";

        var before = authority.Issue("ops", [], ["service"]);
        Assert.Equal(HttpStatusCode.OK, await StatsStatusAsync(system, before));
        await using (await TestClient.ConnectAsync(system.EdgeUrls[0], authority.Issue("alice", [workspaceId], ["member"]), workspaceId))
        {
        }

        authority.Rotate("key-2");
        var after = authority.Issue("ops", [], ["service"]);

        // The first request with the unknown key may be refused while the edge fetches the keys again.
        await Eventually.UntilAsync(() => StatsStatusAsync(system, after), s => s == HttpStatusCode.OK, "a token of the new key is accepted");
        await using var alice = await TestClient.ConnectAsync(system.EdgeUrls[0], authority.Issue("alice", [workspaceId], ["member"]), workspaceId);
        await alice.Events.WaitForAsync(e => e.Name == "connected", "connected with a token of the new key");

        // The development key path keeps working beside the authority.
        Assert.Equal(HttpStatusCode.OK, await StatsStatusAsync(system, system.Tokens.Issue("ops", [], ["service"], TimeSpan.FromMinutes(5))));
    }

    private static async Task<HttpStatusCode> StatsStatusAsync(RealtimeSystem system, string token)
    {
        using var http = new HttpClient { BaseAddress = system.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("/realtime/stats");
        return response.StatusCode;
    }
}
