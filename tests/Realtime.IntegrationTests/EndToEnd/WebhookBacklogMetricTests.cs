using System.Net;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// The webhook backlog an operator's dashboard and alerts read (realtime_webhooks_pending), on the
/// webhook tests' system: a real receiver that answers what the test says. That every metric of
/// deploy/observability is exported is checked on processes: OperatorDashboardProcessTests.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class WebhookBacklogMetricTests(WebhookSystemFixture fixture) : IClassFixture<WebhookSystemFixture>
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

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
}
