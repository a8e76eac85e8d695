using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Realtime.Testing.Metrics;

namespace Realtime.LoadTest.Soak;

/// <summary>The soak's report as artifacts/soak/soak-&lt;timestamp&gt;.json and .md; the markdown is also what the command prints.</summary>
public static class SoakResultFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static (string Json, string Markdown) Write(string directory, string stamp, SoakReport report)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, $"soak-{stamp}.json");
        var markdown = Path.Combine(directory, $"soak-{stamp}.md");
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json));
        File.WriteAllText(markdown, Render(report));
        return (json, markdown);
    }

    public static string Render(SoakReport r)
    {
        var s = r.Settings;
        var text = new StringBuilder();
        Line(text, $"# Soak {(r.Passed ? "PASSED" : "FAILED")}: seed {s.Seed}, {s.DurationSeconds / 60:F1} min, {r.Clients.Total} clients ({r.Clients.Realtime} /realtime, {r.Clients.Notifications} /notifications, {r.Clients.Presence} /presence), {s.Users} users in {s.Workspaces} workspaces");
        Line(text, $"");
        Line(text, $"Kills every {s.KillEvery} ({s.Kill}), down up to {s.MaxDowntimeSeconds:F0} s; lease {s.LeaseSeconds:F0} s (renew {s.LeaseRenewSeconds:F0} s); Redis appendfsync {s.RedisAppendFsync}; cluster {s.ClusterId}; logs {s.LogDirectory}.");
        Line(text, $"Load per second: {s.HttpNotificationsPerSecond} notifications over HTTP, {s.GrainNotificationsPerSecond} through the grain interface, {s.BroadcastsPerSecond} broadcasts, {s.NavigationsPerSecond} page:navigate, {s.StatusChangesPerSecond} presence:status; churn {s.ChurnPerMinute:P0} of users a minute; {s.GiveUpOnEdgeKill:P0} of a killed edge's users give up.");
        Line(text, $"");
        Line(text, $"| criterion | result | detail |");
        Line(text, $"|---|---|---|");
        foreach (var c in r.Criteria)
        {
            Line(text, $"| {c.Name} | {(c.Passed ? "pass" : "FAIL")} | {c.Detail} |");
        }

        Line(text, $"");
        Line(text, $"## Kills");
        Line(text, $"");
        Line(text, $"| # | target | at s | down s | every process ready after s | users gave up | error |");
        Line(text, $"|---|---|---|---|---|---|---|");
        foreach (var k in r.Kills)
        {
            Line(text, $"| {k.Number} | {k.Target} | {k.AtSeconds:F1} | {k.DownSeconds:F1} | {k.ReadyAfterSeconds:F1} | {k.GaveUp} | {k.Error} |");
        }

        var n = r.Notifications;
        var b = r.Broadcasts;
        Line(text, $"");
        Line(text, $"## Counts");
        Line(text, $"");
        Line(text, $"| | sent | accepted | failed | due deliveries | delivered | lost | duplicates | other |");
        Line(text, $"|---|---|---|---|---|---|---|---|---|");
        Line(text, $"| notifications | {n.Sent} | {n.Accepted} ({n.AcceptedOverHttp} HTTP, {n.AcceptedThroughGrain} grain) | {n.Failed} | {n.Expected} to {n.Holders} holders | {n.Delivered} | {n.Lost} | {n.Duplicates} | {n.Retried} sends retried, {n.Unaccounted} received ids never returned to a sender, {n.Holders - n.HoldersConnectedAtEnd} holders not connected at the end |");
        Line(text, $"| broadcasts | {b.Sent} | {b.Accepted} | {b.Failed} | {b.Expected} | {b.Delivered} | {b.Lost} | {b.Duplicates} | {b.DeliveredNotDue} delivered but not due (across a gap, or a failed send) |");
        Line(text, $"");
        Line(text, $"Clients: {r.Clients.Reconnects} reconnects in all, {r.Clients.AwayAtConvergence} users away when presence was judged, {r.Clients.OpenAtEnd}/{r.Clients.Total} open at the end.");
        Line(text, $"");
        Line(text, $"## Presence");
        Line(text, $"");
        Line(text, r.Presence.Converged
            ? $"Converged {r.Presence.ConvergenceSeconds:F1} s after the last kill (at {r.Presence.MeasuredFromSeconds:F1} s; limit {r.Presence.LimitSeconds:F0} s)."
            : $"NOT converged within {r.Presence.LimitSeconds:F0} s of the last kill (at {r.Presence.MeasuredFromSeconds:F1} s){(r.Presence.ConvergenceSeconds is { } after ? $"; consistent only after {after:F1} s" : "")}. Last difference: {r.Presence.Detail}");
        foreach (var line in r.Presence.ServerSide)
        {
            Line(text, $"- {line}");
        }

        Line(text, $"");
        Line(text, $"## Delivery latency (send to receipt, ms)");
        Line(text, $"");
        Line(text, $"| | count | p50 | p95 | p99 | max |");
        Line(text, $"|---|---|---|---|---|---|");
        Latency(text, "broadcasts, outside kill windows", r.Latency.Broadcasts);
        Latency(text, "notifications, outside kill windows", r.Latency.Notifications);
        Latency(text, "broadcasts, in kill windows", r.Latency.BroadcastsInKillWindows);
        Latency(text, "notifications, in kill windows", r.Latency.NotificationsInKillWindows);
        Line(text, $"");
        Line(text, $"## Memory (RSS, MB)");
        Line(text, $"");
        Line(text, $"Bound: {s.MemoryBound}.");
        Line(text, $"");
        Line(text, $"| process | first sample at s | baseline (at s) | max | last (at s) | growth | connections above baseline at peak | bound | within |");
        Line(text, $"|---|---|---|---|---|---|---|---|---|");
        foreach (var m in r.Memory)
        {
            Line(text, $"| {m.Process}#{m.Generation} | {m.FirstSampleSeconds:F0} | {(m.BaselineMb is { } baseline ? $"{baseline:F0} ({m.BaselineAtSeconds:F0})" : "-")} | {m.MaxMb:F0} | {m.LastMb:F0} ({m.LastAtSeconds:F0}) | {(m.GrowthMb is { } g ? $"{g:+0;-0}" : "-")} | {m.ExtraConnections} | {(m.BoundMb is { } bound ? $"{bound:F0}" : "-")} | {(m.WithinBound is { } ok ? (ok ? "yes" : "NO") : "not judged")} |");
        }

        Line(text, $"");
        Line(text, $"RSS over time (MB, one column a minute):");
        Line(text, $"");
        foreach (var process in r.MemorySamples.GroupBy(p => $"{p.Process}#{p.Generation}"))
        {
            var perMinute = process.GroupBy(p => (int)Math.Floor(p.AtSeconds / 60)).OrderBy(g => g.Key).Select(g => $"{g.Key}m {g.Last().Mb:F0}");
            Line(text, $"- {process.Key}: {string.Join(", ", perMinute)}");
        }

        if (r.Findings.Count > 0)
        {
            Line(text, $"");
            Line(text, $"## Findings (first examples)");
            Line(text, $"");
            foreach (var finding in r.Findings)
            {
                Line(text, $"- {finding}");
            }
        }

        return text.ToString();
    }

    private static void Latency(StringBuilder text, string what, LatencySummary l) =>
        Line(text, $"| {what} | {l.Count} | {l.P50:F1} | {l.P95:F1} | {l.P99:F1} | {l.Max:F1} |");

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

    private static void Line(StringBuilder text, string line) => text.AppendLine(line);
}
