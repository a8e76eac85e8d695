using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Grains.Presence;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// What the cluster cannot take (its only silo gone) is said so: 503 with Retry-After over HTTP,
/// a hub error saying to try again on hubs; never a 500 or an unexplained server error.
/// </summary>
[Trait("Kind", "Integration")]
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

    [Fact]
    public async Task A_hub_call_whose_grain_call_times_out_is_a_hub_error_saying_to_try_again()
    {
        // The edge's grain calls of presence:status time out, as a call to a silo that just died does.
        await using var system = await RealtimeSystem.StartEmbeddedAsync(configureEdge: edge =>
            edge.Services.AddSingleton<IOutgoingGrainCallFilter>(new TimingOut(nameof(IUserPresenceGrain.SetStatus))));
        var token = system.Tokens.Issue("alice", ["w1"], ["member"], TimeSpan.FromMinutes(5));
        await using var client = await TestClient.ConnectAsync(system.EdgeUrls[0], token, "w1", "/presence");
        await client.Events.WaitForAsync(e => e.Name == "connected", "alice connected");

        var error = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync("presence:status", new { status = "away" }));

        Assert.Contains("Try again", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
    }

    private sealed class TimingOut(string method) : IOutgoingGrainCallFilter
    {
        public Task Invoke(IOutgoingGrainCallContext context) =>
            context.MethodName == method ? throw new TimeoutException($"{method} timed out (injected).") : context.Invoke();
    }
}
