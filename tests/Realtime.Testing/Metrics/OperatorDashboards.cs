using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Realtime.Testing.Metrics;

/// <summary>
/// The PromQL an operator runs from deploy/observability: each Grafana panel query and variable
/// query, and each alert rule expression, named by where it is.
/// </summary>
public static class OperatorDashboards
{
    public static string Folder => Path.Combine(HostProcess.SolutionRoot(), "deploy", "observability");

    public static string GrafanaDashboard => Path.Combine(Folder, "grafana", "dashboards", "realtime.json");

    public static string AlertRules => Path.Combine(Folder, "prometheus", "realtime-alerts.yaml");

    /// <summary>Every query of the Grafana dashboard and of the alert rules.</summary>
    public static IReadOnlyList<(string Where, string Expr)> Queries() => [.. PanelQueries(), .. RuleQueries()];

    /// <summary>Panel targets ("panel 'Title'") and query variables ("variable 'name'") of the Grafana dashboard.</summary>
    public static IEnumerable<(string Where, string Expr)> PanelQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(GrafanaDashboard));
        var queries = new List<(string, string)>();
        foreach (var panel in Panels(dashboard.RootElement))
        {
            var title = panel.GetProperty("title").GetString();
            if (panel.TryGetProperty("targets", out var targets))
            {
                queries.AddRange(targets.EnumerateArray().Select(t => ($"panel '{title}'", t.GetProperty("expr").GetString()!)));
            }
        }

        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query")
            {
                var query = variable.GetProperty("query");
                var text = query.ValueKind == JsonValueKind.String ? query.GetString()! : query.GetProperty("query").GetString()!;
                queries.Add(($"variable '{variable.GetProperty("name").GetString()}'", text));
            }
        }

        return queries;
    }

    /// <summary>Each rule's expression ("rule 'AlertName'"), from the rule groups file.</summary>
    public static IEnumerable<(string Where, string Expr)> RuleQueries() =>
        Rules().Select(rule => ($"rule '{Scalar(rule, "alert") ?? Scalar(rule, "record")}'", Scalar(rule, "expr")!));

    /// <summary>The rules of every group, as YAML mappings.</summary>
    public static IReadOnlyList<YamlMappingNode> Rules()
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(AlertRules)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return ((YamlSequenceNode)root["groups"])
            .Cast<YamlMappingNode>()
            .SelectMany(group => ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            .ToList();
    }

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>Every panel, including those inside collapsed rows.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }
}
