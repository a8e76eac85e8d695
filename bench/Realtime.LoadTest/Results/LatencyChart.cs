using ScottPlot;

namespace Realtime.LoadTest.Results;

/// <summary>Broadcast latency p50 / p95 / p99 against N, one line per target and percentile, to a PNG.</summary>
public static class LatencyChart
{
    public static void Render(IEnumerable<ScenarioResult> results, string path)
    {
        var broadcasts = results.Where(r => r.Scenario == "broadcast" && r.Latency is { Count: > 0 }).ToList();
        var plot = new Plot();
        foreach (var target in broadcasts.Select(r => $"{r.Target} ({r.Protocol})").Distinct())
        {
            // Several runs at one N: the median run's figures, so one noisy run does not bend the line.
            var points = broadcasts.Where(r => $"{r.Target} ({r.Protocol})" == target)
                .GroupBy(r => r.Clients)
                .OrderBy(g => g.Key)
                .Select(g => g.OrderBy(r => r.Latency!.P99).ElementAt(g.Count() / 2))
                .ToList();
            var n = points.Select(p => (double)p.Clients).ToArray();
            // One colour per percentile; dashed for the bare hub, dotted for Socket.IO: ours and the references read side by side.
            var linePattern = target.StartsWith("bare", StringComparison.Ordinal) ? LinePattern.Dashed
                : target.StartsWith("socketio", StringComparison.Ordinal) ? LinePattern.Dotted
                : LinePattern.Solid;
            Add(plot, n, points.Select(p => p.Latency!.P50).ToArray(), $"{target} p50", linePattern, Colors.SteelBlue);
            Add(plot, n, points.Select(p => p.Latency!.P95).ToArray(), $"{target} p95", linePattern, Colors.DarkOrange);
            Add(plot, n, points.Select(p => p.Latency!.P99).ToArray(), $"{target} p99", linePattern, Colors.Crimson);
        }

        plot.Title("Workspace broadcast: publish-to-receipt latency");
        plot.XLabel("connections in the workspace (N)");
        plot.YLabel("latency (ms)");
        plot.ShowLegend(Alignment.UpperLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 560);
    }

    private static void Add(Plot plot, double[] xs, double[] ys, string label, LinePattern pattern, Color color)
    {
        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LegendText = label;
        scatter.LinePattern = pattern;
    }
}
