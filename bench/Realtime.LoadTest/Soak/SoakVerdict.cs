using System.Globalization;
using Realtime.Testing.Metrics;

namespace Realtime.LoadTest.Soak;

/// <summary>
/// The soak's accounting, from what the publishers recorded (ledger) and what every client
/// recorded (spans, ids, seqs):
/// - a notification accepted (its send returned an id) is due to every /notifications client of its
///   user that first connected before the accepted attempt started, exactly once, replay included;
/// - a broadcast accepted is due to every /realtime client of its workspace with one connection open
///   from before it was sent (its <c>connected</c> event) until DeliveryGrace after the send returned;
///   a broadcast is never due across a gap;
/// - latency counts due deliveries to a connection open at the send, outside kill windows.
/// </summary>
public sealed class SoakVerdict(SoakOptions options, SoakPopulation population, SoakLedger ledger, long loadStart)
{
    private long Grace => (long)options.DeliveryGrace.TotalMicroseconds;

    /// <summary>Due deliveries not (yet) received: what the final drain waits for.</summary>
    public (long Notifications, long Broadcasts) Outstanding()
    {
        var notifications = Notifications(null, null, out _, null);
        var broadcasts = Broadcasts(null, null, out _, null);
        return (notifications.Lost, broadcasts.Lost);
    }

    public SoakReport Build(SoakSettings settings, PresenceResult presence, IReadOnlyList<string> presenceFindings, int awayAtConvergence)
    {
        var findings = new List<string>();
        var latencyNotifications = new LatencyHistogram();
        var latencyNotificationsInKills = new LatencyHistogram();
        var latencyBroadcasts = new LatencyHistogram();
        var latencyBroadcastsInKills = new LatencyHistogram();
        var slowest = new List<(long Micros, string What)>();
        var notifications = Notifications((latencyNotifications, latencyNotificationsInKills), findings, out var notificationHolders, slowest);
        var broadcasts = Broadcasts((latencyBroadcasts, latencyBroadcastsInKills), findings, out _, slowest);
        findings.AddRange(presenceFindings);

        // The tail of the latency outside kill windows, to tell a slow path from a fault's aftermath.
        findings.AddRange(slowest.OrderByDescending(s => s.Micros).Take(5).Select(s => Invariant($"slow delivery outside kill windows: {s.Micros / 1000.0:F0} ms, {s.What}")));
        var memory = MemoryResults();
        var kills = ledger.Kills.Select(k => new KillSummary(
            k.Number, k.Target, Seconds(k.KilledAt), (k.RestartedAt - k.KilledAt) / 1e6, k.ReadyAt > 0 ? (k.ReadyAt - k.KilledAt) / 1e6 : -1, k.GaveUp, k.Error)).ToList();

        var criteria = new List<Criterion>
        {
            new("notifications", notifications.Lost == 0 && notifications.Duplicates == 0 && notificationHolders.NotConnected == 0,
                Invariant($"{notifications.Accepted} accepted, {notifications.Expected} due to {notifications.Holders} holders: {notifications.Lost} lost, {notifications.Duplicates} duplicates, {notificationHolders.NotConnected} holders not connected at the end")),
            new("presence", presence.Converged,
                presence.Converged
                    ? Invariant($"converged {presence.ConvergenceSeconds:F1} s after the last kill (limit {presence.LimitSeconds:F0} s)")
                    : $"not converged within {presence.LimitSeconds:F0} s: {presence.Detail}"),
            new("broadcasts", broadcasts.Lost == 0 && broadcasts.Duplicates == 0,
                Invariant($"{broadcasts.Accepted} accepted, {broadcasts.Expected} due: {broadcasts.Lost} lost, {broadcasts.Duplicates} duplicates")),
            new("memory", memory.All(m => m.WithinBound != false),
                string.Join("; ", memory.Where(m => m.GrowthMb is not null).Select(m => Invariant($"{m.Process}#{m.Generation} {m.GrowthMb:+0;-0} MB (bound {m.BoundMb:F0})")))),
            new("recovery", kills.All(k => k.Error is null),
                kills.Count == 0 ? "no kills" : string.Join("; ", kills.Select(k => Invariant($"{k.Target} ready after {k.ReadyAfterSeconds:F1} s{(k.Error is null ? "" : $" ({k.Error})")}")))),
        };

        var clients = population.Clients;
        return new SoakReport
        {
            Settings = settings,
            Kills = kills,
            Notifications = notifications,
            Broadcasts = broadcasts,
            Presence = presence,
            Latency = new LatencyReport(latencyBroadcasts.Summarize(), latencyNotifications.Summarize(), latencyBroadcastsInKills.Summarize(), latencyNotificationsInKills.Summarize()),
            Memory = memory,
            Clients = new ClientSummary(
                clients.Count,
                clients.Count(c => c.Hub == SoakHub.Realtime),
                clients.Count(c => c.Hub == SoakHub.Presence),
                clients.Count(c => c.Hub == SoakHub.Notifications),
                clients.Count(c => c.OpenAtEnd),
                clients.Sum(c => c.Reconnects),
                awayAtConvergence),
            Criteria = criteria,
            Findings = findings,
            MemorySamples = ledger.Memory.Select(s => new MemoryPoint(s.Process, s.Generation, Math.Round(Seconds(s.At), 1), Math.Round(s.RssBytes / 1048576.0, 1))).ToList(),
        };
    }

    private NotificationCounts Notifications(
        (LatencyHistogram Outside, LatencyHistogram Inside)? latency, List<string>? findings, out (int Holders, int NotConnected) holders, List<(long, string)>? slowest)
    {
        var sends = ledger.NotificationSends;
        var accepted = sends.Where(s => s.Accepted).ToList();
        var byUser = accepted.ToLookup(s => s.User);
        var acceptedIds = accepted.Select(s => s.Id!).ToHashSet(StringComparer.Ordinal);
        var windows = KillWindows();
        long expected = 0, delivered = 0, lost = 0, duplicates = 0, unaccounted = 0;
        var notConnected = 0;
        var clients = population.Clients.Where(c => c.Hub == SoakHub.Notifications).ToList();
        foreach (var client in clients)
        {
            var first = client.FirstConnectedAt;
            var received = client.Notifications();
            var spans = client.Spans();
            if (!client.OpenAtEnd)
            {
                notConnected++;
                findings?.AddIf(Invariant($"notification holder {Describe(client)} not connected at the end: {client.LastError}"));
            }

            foreach (var send in byUser[client.User.Number])
            {
                if (first == 0 || send.StartedAt <= first)
                {
                    continue;
                }

                expected++;
                if (!received.TryGetValue(send.Id!, out var at))
                {
                    lost++;
                    findings?.AddIf(Invariant($"notification lost: {send.Id} ({send.Via}, accepted at {Seconds(send.StartedAt):F3}-{Seconds(send.EndedAt):F3} s, attempt {send.Attempts}) not received by {Describe(client)}; spans {Spans(spans)}"));
                    continue;
                }

                delivered++;
                // Warm-up notifications go out in one burst before the load: not the steady state latency is about.
                if (latency is { } histograms && send.Via != "warmup" && spans.Any(s => s.ConnectedAt < send.StartedAt && at >= s.ConnectedAt && (s.EndedAt == 0 || at <= s.EndedAt)))
                {
                    var inKill = InKillWindow(windows, send.StartedAt);
                    (inKill ? histograms.Inside : histograms.Outside).Record(at - send.StartedAt);
                    if (!inKill)
                    {
                        Keep(slowest, at - send.StartedAt, () => Invariant($"notification {send.Id} ({send.Via}) sent at {Seconds(send.StartedAt):F3} s to {Describe(client)}"));
                    }
                }
            }

            var repeated = client.DuplicateNotifications();
            duplicates += repeated.Count;
            foreach (var id in repeated.Take(3))
            {
                findings?.AddIf(Invariant($"notification duplicate: {id} received twice by {Describe(client)}; spans {Spans(spans)}"));
            }

            unaccounted += received.Keys.Count(id => !acceptedIds.Contains(id));
        }

        holders = (clients.Count, notConnected);
        return new NotificationCounts(
            sends.Count,
            accepted.Count,
            sends.Count(s => !s.Accepted),
            accepted.Count(s => s.Via == "http"),
            accepted.Count(s => s.Via != "http"),
            sends.Count(s => s.Attempts > 1),
            clients.Count,
            clients.Count - notConnected,
            expected,
            delivered,
            lost,
            duplicates,
            unaccounted);
    }

    private BroadcastCounts Broadcasts(
        (LatencyHistogram Outside, LatencyHistogram Inside)? latency, List<string>? findings, out int clientsChecked, List<(long, string)>? slowest)
    {
        var sends = ledger.Broadcasts;
        var accepted = sends.Where(s => s.Accepted).ToList();
        var byWorkspace = accepted.ToLookup(s => s.Workspace);
        var acceptedSeqs = accepted.Select(s => s.Seq).ToHashSet();
        var windows = KillWindows();
        long expected = 0, delivered = 0, lost = 0, duplicates = 0, notDue = 0;
        var clients = population.Clients.Where(c => c.Hub == SoakHub.Realtime).ToList();
        foreach (var client in clients)
        {
            var spans = client.Spans();
            var ticks = client.Ticks();
            foreach (var send in byWorkspace[client.User.Workspace])
            {
                var due = spans.FirstOrDefault(s => s.Covers(send.StartedAt, send.EndedAt + Grace));
                var got = ticks.TryGetValue(send.Seq, out var at);
                if (due is null)
                {
                    notDue += got ? 1 : 0;
                    continue;
                }

                expected++;
                if (!got)
                {
                    lost++;
                    findings?.AddIf(Invariant($"broadcast lost: seq {send.Seq} to {client.User.WorkspaceId} (sent {Seconds(send.StartedAt):F3}-{Seconds(send.EndedAt):F3} s) not received by {Describe(client)}; spans {Spans(spans)}"));
                    continue;
                }

                delivered++;
                if (latency is { } histograms)
                {
                    var inKill = InKillWindow(windows, send.StartedAt);
                    (inKill ? histograms.Inside : histograms.Outside).Record(at - send.StartedAt);
                    if (!inKill)
                    {
                        Keep(slowest, at - send.StartedAt, () => Invariant($"broadcast seq {send.Seq} sent at {Seconds(send.StartedAt):F3} s to {Describe(client)}"));
                    }
                }
            }

            var repeated = client.DuplicateTicks();
            duplicates += repeated.Count;
            foreach (var seq in repeated.Take(3))
            {
                findings?.AddIf(Invariant($"broadcast duplicate: seq {seq} received twice by {Describe(client)}; spans {Spans(spans)}"));
            }

            notDue += ticks.Keys.Count(seq => !acceptedSeqs.Contains(seq));
        }

        clientsChecked = clients.Count;
        return new BroadcastCounts(sends.Count, accepted.Count, sends.Count(s => !s.Accepted), expected, delivered, lost, duplicates, notDue);
    }

    /// <summary>Per process incarnation: its baseline (first sample MemoryWarmup after it and the load started), last and largest sample.</summary>
    private List<ProcessMemoryResult> MemoryResults()
    {
        var warmup = (long)options.MemoryWarmup.TotalMicroseconds;
        var results = new List<ProcessMemoryResult>();
        foreach (var group in ledger.Memory.GroupBy(s => (s.Process, s.Generation)).OrderBy(g => g.Key.Process, StringComparer.Ordinal).ThenBy(g => g.Key.Generation))
        {
            var samples = group.OrderBy(s => s.At).ToList();
            var baselineAfter = Math.Max(samples[0].At, loadStart) + warmup;
            var baseline = samples.FirstOrDefault(s => s.At >= baselineAfter);
            var last = samples[^1];
            var judged = baseline is not null && last.At - baseline.At >= 60_000_000 && group.Key.Process != "redis";
            double? growth = judged ? Mb(last.RssBytes - baseline!.RssBytes) : null;
            var extraConnections = judged ? ExtraConnections(group.Key.Process, baseline!.At, samples.Where(s => s.At >= baseline.At).Select(s => s.At)) : 0;
            double? bound = judged
                ? Math.Max(options.MemoryGrowthFraction * Mb(baseline!.RssBytes), options.MemoryGrowthMb) + (extraConnections * options.MemoryPerConnectionKb / 1024)
                : null;
            results.Add(new ProcessMemoryResult(
                group.Key.Process,
                group.Key.Generation,
                Seconds(samples[0].At),
                baseline is null ? null : Mb(baseline.RssBytes),
                baseline is null ? null : Seconds(baseline.At),
                Mb(last.RssBytes),
                Seconds(last.At),
                Mb(samples.Max(s => s.RssBytes)),
                growth,
                bound,
                judged ? growth <= bound : null,
                extraConnections));
        }

        return results;
    }

    /// <summary>
    /// For an edge: how many more connections it held at its peak (over the sample times) than at
    /// its baseline; 0 for other processes. Edge n is "edge{n+1}".
    /// </summary>
    private int ExtraConnections(string process, long baselineAt, IEnumerable<long> sampleTimes)
    {
        if (!process.StartsWith("edge", StringComparison.Ordinal) || !int.TryParse(process.AsSpan(4), CultureInfo.InvariantCulture, out var number))
        {
            return 0;
        }

        var spans = population.Clients.SelectMany(c => c.Spans()).Where(s => s.Edge == number - 1).ToList();
        int HeldAt(long at) => spans.Count(s => s.ConnectedAt <= at && (s.EndedAt == 0 || s.EndedAt > at));
        var atBaseline = HeldAt(baselineAt);
        return Math.Max(0, sampleTimes.Select(HeldAt).DefaultIfEmpty(atBaseline).Max() - atBaseline);
    }

    /// <summary>Keeps the slowest few deliveries (cheap: most are not slow enough to be described).</summary>
    private static void Keep(List<(long Micros, string What)>? slowest, long micros, Func<string> what)
    {
        if (slowest is null || (slowest.Count >= 5 && slowest.Min(s => s.Micros) >= micros))
        {
            return;
        }

        if (slowest.Count >= 5)
        {
            slowest.Remove(slowest.MinBy(s => s.Micros));
        }

        slowest.Add((micros, what()));
    }

    private List<(long From, long To)> KillWindows()
    {
        var tail = (long)options.KillWindowTail.TotalMicroseconds;
        return ledger.Kills.Select(k => (k.KilledAt, k.ReadyAt > 0 ? k.ReadyAt + tail : long.MaxValue)).ToList();
    }

    private static bool InKillWindow(List<(long From, long To)> windows, long at) => windows.Any(w => at >= w.From && at <= w.To);

    private string Spans(List<ConnectionSpan> spans) =>
        string.Join(", ", spans.TakeLast(6).Select(s => Invariant($"edge{s.Edge + 1} {Seconds(s.ConnectedAt):F3}-{(s.EndedAt == 0 ? "open" : Seconds(s.EndedAt).ToString("F3", CultureInfo.InvariantCulture))}")));

    private static string Describe(SoakClient client) =>
        $"client {client.Index} ({client.User.Id}/{client.User.WorkspaceId} {client.Hub.ToString().ToLowerInvariant()})";

    private double Seconds(long micros) => (micros - loadStart) / 1e6;

    private static double Mb(long bytes) => Math.Round(bytes / 1048576.0, 1);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}

internal static class FindingsExtensions
{
    private const int PerKind = 12;

    /// <summary>Keeps the first examples of each kind of failure (the text up to its colon); the counts say how many there were.</summary>
    public static void AddIf(this List<string> findings, string finding)
    {
        var kind = finding[..Math.Max(0, finding.IndexOf(':', StringComparison.Ordinal))];
        if (findings.Count(f => f.StartsWith(kind, StringComparison.Ordinal)) < PerKind)
        {
            findings.Add(finding);
        }
    }
}
