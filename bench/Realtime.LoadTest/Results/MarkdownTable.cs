using System.Globalization;
using System.Text;

namespace Realtime.LoadTest.Results;

/// <summary>A result as a markdown table, columns chosen by scenario.</summary>
public static class MarkdownTable
{
    public static string Render(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        var scenario = results.Count > 0 ? results[0].Scenario : "";
        switch (scenario)
        {
            case "connect-storm":
                text.AppendLine("| target | protocol | N | connects/s | settled s | presence msgs/client min/mean/max | presence bytes/client min/mean/max | errors |");
                text.AppendLine("|---|---|---|---|---|---|---|---|");
                foreach (var r in results)
                {
                    text.AppendLine(Invariant($"| {r.Target} | {r.Protocol} | {r.Clients} | {r.ConnectsPerSecond:F0} | {r.SettledSeconds:F2} | {r.PresenceMessagesMin:F0} / {r.PresenceMessagesMean:F1} / {r.PresenceMessagesMax:F0} | {r.PresenceBytesMin:F0} / {r.PresenceBytesMean:F0} / {r.PresenceBytesMax:F0} | {r.ClientErrors} |"));
                }

                break;
            case "memory":
                text.AppendLine("| target | N | edge KB/conn (RSS) | silo KB/conn (RSS) | edge GC heap KB/conn | errors |");
                text.AppendLine("|---|---|---|---|---|---|");
                foreach (var r in results)
                {
                    text.AppendLine(Invariant($"| {r.Target} | {r.Clients} | {r.EdgeKbPerConnection:F1} | {r.SiloKbPerConnection:F1} | {r.EdgeGcHeapKbPerConnection:F1} | {r.ClientErrors} |"));
                }

                break;
            case "reconnect":
                text.AppendLine("| target | publisher | N | dropped | away s | rate/s | published | recovered | recovery p50 / p99 ms | replayed mean / max | dropped: lost / dup / out of order | others: p50 / p99 ms | others: lost / dup |");
                text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                foreach (var r in results)
                {
                    var recovery = r.Dropped > 0
                        ? Invariant($"{r.RecoveredClients} | {r.RecoveryTime?.P50:F1} / {r.RecoveryTime?.P99:F1} | {r.ReplayedMean:F1} / {r.ReplayedMax} | {r.DroppedLost} / {r.DroppedDuplicates} / {r.DroppedOutOfOrder}")
                        : " |  |  | ";
                    text.AppendLine(Invariant($"| {r.Target} | {r.Publisher} | {r.Clients}{(r.Workspaces > 1 ? $" in {r.Workspaces} workspaces" : "")} | {r.Dropped} | {r.AwaySeconds} | {r.Rate} | {r.Published} | {recovery} | {r.Latency?.P50:F1} / {r.Latency?.P99:F1} | {r.Lost} / {r.Duplicates} |"));
                }

                foreach (var r in results.Where(r => r.WorkspaceOrderDiffers > 0))
                {
                    text.AppendLine(Invariant($"\n{(r.Dropped > 0 ? "with drops" : "baseline")}: {r.WorkspaceOrderDiffers} ticks reached their workspace after a higher-numbered one (overlapping publishes); order is judged by the workspace's."));
                }

                foreach (var r in results.Where(r => r.FirstDisorder is not null))
                {
                    text.AppendLine(Invariant($"\n{r.FirstDisorder}"));
                }

                foreach (var r in results.Where(r => r.RecoveryWorkspaceEvents is not null).Take(1))
                {
                    text.AppendLine(Invariant($"\nThe silo kept more history than the defaults for this run: Recovery:WorkspaceEvents {r.RecoveryWorkspaceEvents}, Recovery:WorkspaceBytes {r.RecoveryWorkspaceBytes}."));
                }

                break;
            default:
                text.AppendLine("| scenario | target | publisher | protocol | N | rate/s | published | accept p50 / p99 ms | p50 ms | p95 ms | p99 ms | max ms | deliveries/s | lost | duplicates |");
                text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                foreach (var r in results)
                {
                    var l = r.Latency;
                    var accept = r.Accept is { } a ? Invariant($"{a.P50:F1} / {a.P99:F1}") : "";
                    text.AppendLine(Invariant($"| {r.Scenario} | {r.Target} | {r.Publisher} | {r.Protocol} | {r.Clients}{(r.Workspaces > 1 ? $" in {r.Workspaces} workspaces" : "")} | {r.Rate} | {r.Published} | {accept} | {l?.P50:F1} | {l?.P95:F1} | {l?.P99:F1} | {l?.Max:F1} | {r.DeliveriesPerSecond:F0} | {r.Lost} | {r.Duplicates} |"));
                }

                break;
        }

        foreach (var r in results.Where(r => r.FirstError is not null))
        {
            text.AppendLine(Invariant($"\n{r.Target} {r.Protocol} N={r.Clients}: {r.ClientErrors} client errors; first: {r.FirstError}"));
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
