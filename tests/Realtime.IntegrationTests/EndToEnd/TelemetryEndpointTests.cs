using System.Net;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// What an operator scrapes and probes: /prometheus and /health/* on a running edge and silo,
/// after real clients connected and events flowed from the grains to the edge.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class TelemetryEndpointTests(EmbeddedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private readonly string _aliceId = $"alice-{Guid.NewGuid():N}";
    private readonly string _bobId = $"bob-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task The_edge_scrape_shows_connections_deliveries_and_latency_without_any_ids()
    {
        await using var alice = await ConnectAsync(_aliceId);
        await using var bob = await ConnectAsync(_bobId);
        await alice.WaitForPresenceAsync(_bobId, "online");
        using var http = new HttpClient();

        var scrape = await Eventually.UntilAsync(
            () => PrometheusScrape.FetchAsync(http, System.EdgeUrls[0]),
            s => s.Sum("realtime_edge_connections", ("hub", "realtime")) >= 2
                && s.Sum("realtime_edge_messages_delivered_total", ("hub", "realtime")) > 0
                && s.Sum("realtime_edge_delivery_latency_milliseconds_count", ("event_name", "presence:update")) > 0
                && s.Sum("realtime_edge_stream_lag_milliseconds_count", ("event_name", "presence:update")) > 0
                && s.Sum("realtime_edge_events_received_total", ("event_name", "presence:update")) > 0
                && s.Sum("realtime_edge_users_online") >= 2,
            "the edge's scrape shows the two connections and the presence updates delivered to them");

        Assert.True(scrape.Has("realtime_edge_delivery_latency_milliseconds_bucket"));
        foreach (var id in new[] { _aliceId, _bobId, _workspaceId, alice.Connection.ConnectionId!, bob.Connection.ConnectionId! })
        {
            Assert.DoesNotContain(id, scrape.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_silo_scrape_counts_events_published_by_the_grains()
    {
        await using var alice = await ConnectAsync(_aliceId);
        await using var bob = await ConnectAsync(_bobId);
        await alice.WaitForPresenceAsync(_bobId, "online");
        using var http = new HttpClient();

        var scrape = await Eventually.UntilAsync(
            () => PrometheusScrape.FetchAsync(http, System.SiloUrls[0]),
            s => s.Sum("realtime_grains_events_published_total", ("event_name", "presence:update")) > 0,
            "the silo's scrape counts the presence updates published to the edge");

        Assert.DoesNotContain(_aliceId, scrape.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_workspaceId, scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_200_on_the_edge_and_the_silo()
    {
        using var http = new HttpClient();
        foreach (var node in System.EdgeUrls.Concat(System.SiloUrls))
        {
            foreach (var path in new[] { "/health/live", "/health/ready", "/health" })
            {
                using var response = await http.GetAsync(new Uri(node, path));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{node}{path.TrimStart('/')} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    private Task<TestClient> ConnectAsync(string userId) =>
        TestClient.ConnectAsync(System.EdgeUrls[0], System.Tokens.Issue(userId, [_workspaceId], [], TimeSpan.FromMinutes(5)), _workspaceId);
}
