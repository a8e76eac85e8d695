using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Realtime.Tests.EndToEnd;

/// <summary>A publish the cluster cannot take (its only silo gone) is 503 with Retry-After, never 500.</summary>
public sealed class ClusterUnavailableTests
{
    [Fact]
    public async Task A_publish_while_no_silo_can_take_it_is_503_problem_json_with_retry_after()
    {
        await using var system = await RealtimeSystem.StartEmbeddedAsync();
        using var http = new HttpClient { BaseAddress = system.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", system.Tokens.Issue("crm", [], ["service"], TimeSpan.FromMinutes(5)));
        using (var before = await http.PostAsJsonAsync("/realtime/broadcast/workspace/w1", new { @event = "campaign:launched", data = new { } }))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        await system.StopSiloAsync(0);

        using var answer = await http.PostAsJsonAsync("/realtime/broadcast/workspace/w1", new { @event = "campaign:launched", data = new { } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), answer.Headers.RetryAfter?.Delta);
    }
}
