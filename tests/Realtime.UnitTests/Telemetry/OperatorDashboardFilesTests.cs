using System.Text.Json;
using Realtime.Testing.Metrics;

namespace Realtime.UnitTests.Telemetry;

/// <summary>
/// deploy/observability as Grafana and Prometheus load it: every panel says what it shows and
/// queries through the dashboard's data source variable, every alert has a severity and a summary,
/// and the metric names of each query are found (the integration tests check those names against
/// a running silo and edge).
/// </summary>
[Trait("Kind", "Unit")]
public sealed class OperatorDashboardFilesTests
{
    [Fact]
    public void Every_panel_describes_itself_and_queries_the_chosen_prometheus()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(OperatorDashboards.GrafanaDashboard));
        Assert.Equal("realtime-orleans", dashboard.RootElement.GetProperty("uid").GetString());

        var wrong = new List<string>();
        foreach (var panel in OperatorDashboards.Panels(dashboard.RootElement).Where(p => p.GetProperty("type").GetString() != "row"))
        {
            var title = panel.GetProperty("title").GetString();
            if (string.IsNullOrWhiteSpace(panel.GetProperty("description").GetString()))
            {
                wrong.Add($"'{title}' has no description");
            }

            if (!panel.TryGetProperty("targets", out var targets) || targets.GetArrayLength() == 0)
            {
                wrong.Add($"'{title}' has no query");
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                if (target.GetProperty("datasource").GetProperty("uid").GetString() != "${datasource}")
                {
                    wrong.Add($"'{title}' queries another data source than the variable");
                }

                if (PromQlMetricNames.Of(target.GetProperty("expr").GetString()!).Count == 0)
                {
                    wrong.Add($"'{title}' reads no metric");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_and_a_description()
    {
        var rules = OperatorDashboards.Rules();
        Assert.NotEmpty(rules);
        var wrong = new List<string>();
        foreach (var rule in rules)
        {
            var name = OperatorDashboards.Scalar(rule, "alert");
            var labels = rule.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("labels"), out var l) ? (YamlDotNet.RepresentationModel.YamlMappingNode)l : null;
            var annotations = rule.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("annotations"), out var a) ? (YamlDotNet.RepresentationModel.YamlMappingNode)a : null;
            if (name is null || labels is null || OperatorDashboards.Scalar(labels, "severity") is not ("critical" or "warning" or "info"))
            {
                wrong.Add($"{name ?? "a rule"}: needs alert and labels.severity critical, warning or info");
            }

            if (annotations is null || string.IsNullOrWhiteSpace(OperatorDashboards.Scalar(annotations, "summary")) || string.IsNullOrWhiteSpace(OperatorDashboards.Scalar(annotations, "description")))
            {
                wrong.Add($"{name}: needs annotations summary and description");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Theory]
    [InlineData("""histogram_quantile(0.99, sum by (instance, le) (rate(realtime_edge_delivery_latency_milliseconds_bucket{job="realtime-edge", instance=~"$edge"}[$__rate_interval]))) > 1000""", "realtime_edge_delivery_latency_milliseconds_bucket")]
    [InlineData("""sum(rate(realtime_webhooks_attempts_total{outcome="failed"}[10m])) / sum(rate(realtime_webhooks_attempts_total[10m])) > 0.5""", "realtime_webhooks_attempts_total")]
    [InlineData("""count(orleans_client_connected_gateways{job="realtime-edge"} > 0) or vector(0)""", "orleans_client_connected_gateways")]
    [InlineData("""label_values(realtime_edge_users_online, instance)""", "realtime_edge_users_online")]
    [InlineData("""up{job="realtime-silo"} == 0""", "up")]
    [InlineData("""sum by (instance) (increase(realtime_edge_dispatch_errors_total{event_name="presence:update"}[5m] offset 1h)) > 0""", "realtime_edge_dispatch_errors_total")]
    [InlineData("""rate(a_total[5m]) and on (instance) group_left b_info or c unless ignoring(x) d""", "a_total b_info c d")]
    public void The_metric_names_of_a_query_are_found_and_nothing_else(string expression, string names)
    {
        Assert.Equal(names.Split(' ').Order(), PromQlMetricNames.Of(expression).Order());
    }

    [Fact]
    public void The_job_a_selector_names_is_found_with_its_metric()
    {
        var expression = """sum(rate(a_total{job="realtime-edge", instance=~"$edge"}[5m])) / sum(b{hub="x"}) + c{kind="failed",job="realtime-silo"}""";

        Assert.Equal([("a_total", "realtime-edge"), ("c", "realtime-silo")], PromQlMetricNames.WithJob(expression));
    }
}
