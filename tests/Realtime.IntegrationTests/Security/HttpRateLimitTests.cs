using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Realtime.EdgeGateway.Limits;

namespace Realtime.IntegrationTests.Security;

/// <summary>The HTTP API's requests per caller: over the rate, 429 problem+json with Retry-After, nothing done, and other callers unaffected.</summary>
[Trait("Kind", "Integration")]
[Collection(LimitedSystemCollection.Name)]
public sealed class HttpRateLimitTests(LimitedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_caller_over_its_rate_gets_429_with_retry_after_and_its_request_is_not_carried_out()
    {
        using var flooder = Service($"flood-{Guid.NewGuid():N}");
        using var other = Service($"other-{Guid.NewGuid():N}");
        var answers = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < LimitedSystemFixture.HttpBurstPerCaller * 3 && refused is null; i++)
        {
            var response = await flooder.PostAsJsonAsync($"/realtime/dashboard/{_workspaceId}/metric", new { metric = $"m{i}", value = i });
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(answers.Count > LimitedSystemFixture.HttpBurstPerCaller, $"refused after {answers.Count - 1} requests, within the burst");
            Assert.All(answers.SkipLast(1), status => Assert.Equal(HttpStatusCode.Accepted, status));
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        }

        // The refused update was not published; another caller is served meanwhile.
        using var latest = await other.GetAsync($"/realtime/dashboard/{_workspaceId}");
        Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
        var metrics = (await latest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("updates").EnumerateArray()
            .Select(u => u.GetProperty("payload").GetProperty("metric").GetString()).ToList();
        Assert.Equal(answers.Count - 1, metrics.Count);
        Assert.DoesNotContain($"m{answers.Count - 1}", metrics);
        Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.RateCaller, LimitNames.HttpApi) >= 1);
    }

    private HttpClient Service(string caller)
    {
        var http = new HttpClient { BaseAddress = fixture.System.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.System.Tokens.Issue(caller, [], ["service"], TimeSpan.FromMinutes(5)));
        return http;
    }
}
