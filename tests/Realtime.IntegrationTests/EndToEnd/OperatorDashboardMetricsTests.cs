using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Realtime.IntegrationTests.Infrastructure;
using Realtime.Testing.Metrics;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// The operator's Grafana dashboard and alert rules (deploy/observability) against what a running
/// silo and edge export on /prometheus after a little real traffic, and the webhook backlog gauge;
/// on the webhook tests' system (a real receiver that answers what the test says).
/// </summary>
[Trait("Kind", "Integration")]
public sealed class OperatorDashboardMetricsTests(WebhookSystemFixture fixture) : IClassFixture<WebhookSystemFixture>
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task Every_metric_a_dashboard_panel_or_alert_rule_reads_is_exported_by_the_running_silo_or_edge()
    {
        var wanted = OperatorDashboards.Queries()
            .SelectMany(q => PromQlMetricNames.Of(q.Expr).Select(name => (Name: name, q.Where)))
            .Where(w => !PromQlMetricNames.MadeByPrometheus.Contains(w.Name))
            .ToList();
        Assert.NotEmpty(wanted);

        // Traffic that makes the event-driven series exist: connections and presence (webhooks too),
        // a broadcast, a notification, and a request refused by a limit.
        var alice = $"alice-{Guid.NewGuid():N}";
        var bob = $"bob-{Guid.NewGuid():N}";
        await using var aliceClient = await ConnectAsync(alice);
        await using var bobClient = await ConnectAsync(bob);
        await aliceClient.WaitForPresenceAsync(bob, "online");
        using var service = Service();
        Assert.Equal(HttpStatusCode.Accepted, (await service.PostAsJsonAsync($"/realtime/broadcast/workspace/{_workspaceId}", new { @event = "campaign:launched", data = new { n = 1 } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await service.PostAsJsonAsync("/realtime/notifications/send", new { userId = alice, workspaceId = _workspaceId, type = "mention", title = "t", message = "m" })).StatusCode);
        using var tooBig = new StringContent(new string('x', 70_000), Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await service.PostAsync($"/realtime/broadcast/workspace/{_workspaceId}", tooBig)).StatusCode);
        await fixture.Receiver.WaitForDeliveredAsync(w => w.UserId == alice && w.Type == "presence.online", "alice's presence.online webhook");

        using var http = new HttpClient();
        var exported = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    exported = [.. (await PrometheusScrape.FetchAsync(http, System.SiloUrls[0])).Samples.Select(s => s.Name),
                                .. (await PrometheusScrape.FetchAsync(http, System.EdgeUrls[0])).Samples.Select(s => s.Name)];
                    return exported;
                },
                names => wanted.All(w => names.Contains(w.Name)),
                "the silo and the edge export every metric deploy/observability reads");
        }
        catch (TimeoutException)
        {
            // Reported below, naming each missing metric and where it is used.
        }

        var missing = wanted.Where(w => !exported.Contains(w.Name))
            .GroupBy(w => w.Name)
            .Select(g => $"{g.Key} (read by {string.Join(", ", g.Select(w => w.Where).Distinct())})")
            .ToList();
        Assert.True(missing.Count == 0, $"deploy/observability reads metrics that the running silo and edge do not export: {string.Join("; ", missing)}");
    }

    [Fact]
    public async Task The_webhook_backlog_gauge_counts_a_webhook_while_its_endpoint_fails_and_drops_to_zero_once_delivered()
    {
        var carol = $"carol-{Guid.NewGuid():N}";
        var failing = true;
        fixture.Receiver.Answer = w => failing && w.UserId == carol ? HttpStatusCode.ServiceUnavailable : null;
        using var http = new HttpClient();
        try
        {
            await using (await ConnectAsync(carol))
            {
                await fixture.Receiver.Attempts.WaitForAsync(w => w.UserId == carol && w.Answer == HttpStatusCode.ServiceUnavailable, "carol's presence.online refused by the endpoint");
                await Eventually.UntilAsync(
                    () => PrometheusScrape.FetchAsync(http, System.SiloUrls[0]),
                    s => s.Sum("realtime_webhooks_pending") == 1,
                    "the silo's backlog gauge counts carol's waiting webhook");

                failing = false;
                await fixture.Receiver.WaitForDeliveredAsync(w => w.UserId == carol && w.Type == "presence.online", "carol's presence.online delivered on a retry");
                await Eventually.UntilAsync(
                    () => PrometheusScrape.FetchAsync(http, System.SiloUrls[0]),
                    s => s.Has("realtime_webhooks_pending") && s.Sum("realtime_webhooks_pending") == 0,
                    "the backlog gauge back to 0 once delivered");
            }
        }
        finally
        {
            fixture.Receiver.Answer = null;
        }
    }

    private Task<TestClient> ConnectAsync(string userId) =>
        TestClient.ConnectAsync(System.EdgeUrls[0], System.Tokens.Issue(userId, [_workspaceId], [], TimeSpan.FromMinutes(5)), _workspaceId);

    private HttpClient Service()
    {
        var http = new HttpClient { BaseAddress = System.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", System.Tokens.Issue("ops-service", [], ["service"], TimeSpan.FromMinutes(5)));
        return http;
    }
}
