using System.Text.RegularExpressions;

namespace Realtime.Testing.Metrics;

/// <summary>
/// The metric names a PromQL expression (or a Grafana <c>label_values(metric, label)</c> query)
/// reads: what is left once strings, label matchers, ranges, grouping clauses, numbers, Grafana
/// variables, function names and keywords are taken out. Enough for our dashboards' queries;
/// not a PromQL parser.
/// </summary>
public static partial class PromQlMetricNames
{
    /// <summary>Series Prometheus makes itself for every target and alert: no process exports them.</summary>
    public static readonly IReadOnlySet<string> MadeByPrometheus = new HashSet<string>(StringComparer.Ordinal)
    {
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN",
    };

    public static IReadOnlySet<string> Of(string expression)
    {
        var text = LabelValues().Replace(expression, "$1");
        text = GrafanaVariable().Replace(text, " ");
        text = StringLiteral().Replace(text, " ");
        text = LabelMatchers().Replace(text, " ");
        text = Range().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Number().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !Keywords.Contains(m.Value))
            .Select(m => m.Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The metrics whose selector names a scrape job (<c>metric{job="realtime-edge", ...}</c>), with that job.</summary>
    public static IReadOnlyList<(string Metric, string Job)> WithJob(string expression) =>
        SelectorWithJob().Matches(expression)
            .Select(m => (m.Groups["metric"].Value, m.Groups["job"].Value))
            .Distinct()
            .ToList();

    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\{[^}]*\bjob=""(?<job>[^""]+)""[^}]*\}")]
    private static partial Regex SelectorWithJob();

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex GrafanaVariable();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![a-zA-Z0-9_:])[0-9][a-zA-Z0-9_.]*")]
    private static partial Regex Number();

    /// <summary>A name not followed by '(' : a metric, not a function or an aggregation.</summary>
    [GeneratedRegex(@"(?<![a-zA-Z0-9_:])[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\(|[a-zA-Z0-9_:])")]
    private static partial Regex Identifier();
}
