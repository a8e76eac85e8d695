using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Realtime.Testing.Metrics;

namespace Realtime.SystemTests.Processes;

/// <summary>
/// The operator's Grafana dashboard and alert rules (deploy/observability) against what a silo and
/// an edge, each its own process as ./run.sh starts them, export on /prometheus after a little real
/// traffic: a connection, presence, a broadcast, a notification, a webhook and a request refused by
/// a limit. Separate processes, because Orleans' own meters are process-wide: in one process the
/// silo's and the edge's scrapes would both show them.
/// </summary>
[Trait("Kind", "System")]
public sealed class OperatorDashboardProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_metric_a_dashboard_panel_or_alert_rule_reads_is_exported_by_the_silo_or_edge_process_its_job_names()
    {
        var wanted = OperatorDashboards.Queries()
            .SelectMany(q => PromQlMetricNames.Of(q.Expr).Select(name => (Name: name, q.Where)))
            .Where(w => !PromQlMetricNames.MadeByPrometheus.Contains(w.Name))
            .ToList();
        var withJob = OperatorDashboards.Queries()
            .SelectMany(q => PromQlMetricNames.WithJob(q.Expr).Select(m => (m.Metric, m.Job, q.Where)))
            .Where(m => !PromQlMetricNames.MadeByPrometheus.Contains(m.Metric))
            .ToList();
        Assert.NotEmpty(wanted);
        Assert.All(withJob, m => Assert.True(m.Job is "realtime-silo" or "realtime-edge", $"{m.Where} selects job {m.Job}"));

        await using var receiver = await WebhookReceiver.StartAsync();
        var gatewayPort = Port();
        var siloUrl = new Uri($"http://127.0.0.1:{Port()}");
        var edgeUrl = new Uri($"http://127.0.0.1:{Port()}");
        await using var silo = HostProcess.Start("Silo", "Realtime.Silo.dll", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = siloUrl.ToString(),
            ["Cluster__GatewayPort"] = gatewayPort,
            ["Silo__SiloPort"] = Port(),
            ["Webhooks__Endpoints__0__Url"] = receiver.Url("/hooks").ToString(),
            ["Webhooks__Endpoints__0__Secret"] = WebhookReceiver.Secret,
        });
        await using var edge = HostProcess.Start("EdgeGateway", "Realtime.EdgeGateway.dll", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = edgeUrl.ToString(),
            ["Cluster__GatewayPort"] = gatewayPort,
        });
        await silo.WaitUntilHealthyAsync(new Uri(siloUrl, "/health"), StartTimeout);
        await edge.WaitUntilHealthyAsync(new Uri(edgeUrl, "/health"), StartTimeout);

        using var http = new HttpClient { BaseAddress = edgeUrl };
        await using var alice = await TestClient.ConnectAsync(edgeUrl, await DevTokenAsync(http, "alice", "member"), "w1");
        await using var bob = await TestClient.ConnectAsync(edgeUrl, await DevTokenAsync(http, "bob", "member"), "w1");
        await alice.WaitForPresenceAsync("bob", "online");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await DevTokenAsync(http, "ops", "service"));
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/realtime/broadcast/workspace/w1", new { @event = "campaign:launched", data = new { n = 1 } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/realtime/notifications/send", new { userId = "alice", workspaceId = "w1", type = "mention", title = "t", message = "m" })).StatusCode);
        using var tooBig = new StringContent(new string('x', 70_000), Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.PostAsync("/realtime/broadcast/workspace/w1", tooBig)).StatusCode);
        await receiver.WaitForDeliveredAsync(w => w.UserId == "alice" && w.Type == "presence.online", "alice's presence.online webhook");

        HashSet<string> siloNames = [], edgeNames = [];
        HashSet<string> ExportedBy(string job) => job == "realtime-silo" ? siloNames : edgeNames;
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    siloNames = await ScrapeNamesAsync(http, siloUrl);
                    edgeNames = await ScrapeNamesAsync(http, edgeUrl);
                    return $"silo: {string.Join(' ', siloNames.Order())}; edge: {string.Join(' ', edgeNames.Order())}";
                },
                _ => wanted.All(w => siloNames.Contains(w.Name) || edgeNames.Contains(w.Name)) && withJob.All(m => ExportedBy(m.Job).Contains(m.Metric)),
                "the silo and the edge export every metric deploy/observability reads");
        }
        catch (TimeoutException)
        {
            // Reported below, naming each missing metric and where it is read.
        }

        var missing = wanted.Where(w => !siloNames.Contains(w.Name) && !edgeNames.Contains(w.Name))
            .GroupBy(w => w.Name)
            .Select(g => $"{g.Key} (read by {string.Join(", ", g.Select(w => w.Where).Distinct())})")
            .ToList();
        Assert.True(missing.Count == 0, $"deploy/observability reads metrics that the running silo and edge do not export: {string.Join("; ", missing)}");

        var wrongJob = withJob.Where(m => !ExportedBy(m.Job).Contains(m.Metric))
            .Select(m => $"{m.Metric}{{job=\"{m.Job}\"}} (read by {m.Where})")
            .Distinct()
            .ToList();
        Assert.True(wrongJob.Count == 0, $"deploy/observability reads metrics from a job whose process does not export them: {string.Join("; ", wrongJob)}");
    }

    /// <summary>The sample names of one scrape (histograms as their _bucket, _sum and _count series).</summary>
    private static async Task<HashSet<string>> ScrapeNamesAsync(HttpClient http, Uri node)
    {
        var text = await http.GetStringAsync(new Uri(node, "/prometheus"));
        return text.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line[..line.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<string> DevTokenAsync(HttpClient http, string userId, string role)
    {
        var body = await http.GetFromJsonAsync<JsonElement>($"/dev/token?userId={userId}&workspaces=w1&roles={role}");
        return body.GetProperty("token").GetString()!;
    }

    private static string Port() => RedisServer.FreePort().ToString(CultureInfo.InvariantCulture);
}
