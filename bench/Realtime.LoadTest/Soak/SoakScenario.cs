using System.Diagnostics;
using System.Globalization;
using Realtime.LoadTest.Metrics;
using Realtime.Testing;

namespace Realtime.LoadTest.Soak;

/// <summary>
/// The soak: a production-shaped cluster (Redis with append-only, 2 silos, 2 edges, fresh ClusterId,
/// own loopback ports) under steady load from thousands of clients, while silos, edges and Redis are
/// killed (SIGKILL) and started again at random; then the verdict (see <see cref="SoakVerdict"/>).
/// Timeline: start, connect everyone, one warm-up notification each, load with kills for the
/// duration (from the last kill nobody leaves or comes back, so presence can be judged), presence
/// watched from the last kill, everyone back (replay), drain, verdict.
/// </summary>
public static class SoakScenario
{
    private static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(30);

    /// <summary>UTC timestamps on every log line of silos and edges, to line their logs up with the report's findings.</summary>
    private static readonly Dictionary<string, string> LogTimestamps = new()
    {
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
    };

    public static async Task<SoakReport> RunAsync(SoakOptions options)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var logDirectory = Path.Combine(options.OutputDirectory, $"soak-{stamp}-logs");
        var clock = Stopwatch.StartNew();
        // Wall clock (UTC) beside the run's own clock: the processes' logs carry UTC timestamps too.
        void Say(string line) => options.Progress?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss.fff} {clock.Elapsed.TotalSeconds,7:F1}s] {line}"));

        var plan = KillPlan.Draw(options, silos: 2, edges: 2);
        Say($"soak: seed {options.Seed}, {options.Duration.TotalMinutes:F1} min, {options.Users} users in {options.Workspaces} workspaces, kills: " +
            (plan.Count == 0 ? "none" : string.Join(", ", plan.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Target}@{k.At.TotalSeconds:F0}s")))));

        var ledger = new SoakLedger();
        var cluster = await FaultCluster.StartAsync(new FaultClusterOptions
        {
            BasePort = options.BasePort,
            FixedEdgeIds = false,
            ClusterIdPrefix = "soak",
            RedisAppendFsync = options.RedisAppendFsync,
            LogDirectory = logDirectory,
            SiloSettings = new Dictionary<string, string>(LogTimestamps)
            {
                ["Presence__EdgeLeaseCheckInterval"] = "00:00:01",
            },
            EdgeSettings = new Dictionary<string, string>(LogTimestamps)
            {
                ["Edge__LeaseDuration"] = options.LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
                ["Edge__LeaseRenewInterval"] = options.LeaseRenewInterval.ToString("c", CultureInfo.InvariantCulture),
            },
        });
        Say($"load clock 0 s = the end of the warm-up; cluster {cluster.ClusterId}: redis :{cluster.Redis.Port}, edges {string.Join(" ", cluster.EdgeUrls)}, logs in {logDirectory}");

        var population = SoakPopulation.Create(options, cluster.EdgeUrls, RealtimeSystem.JwtSettings);
        var monitor = new ConvergenceMonitor(population);
        var sampler = new MemorySampler(cluster, ledger);
        using var clientsStop = new CancellationTokenSource();
        using var loadStop = new CancellationTokenSource();
        using var sampleStop = new CancellationTokenSource();
        var loadStart = WallClock.NowMicros();
        ConvergenceOutcome? convergence = null;
        long? convergenceFrom = null;
        List<string> serverSide = [];
        var awayAtConvergence = 0;
        try
        {
            population.Start(clientsStop.Token);
            var pinging = population.PingAsync(clientsStop.Token);
            await WaitUntilAsync(() => population.Unsettled == 0, options.StepTimeout * 2, () => $"{population.Unsettled} clients not connected with presence loaded");
            Say($"{population.Clients.Count} clients connected ({population.Of(SoakHub.Realtime).Count()} /realtime, {population.Of(SoakHub.Notifications).Count()} /notifications, {population.Of(SoakHub.Presence).Count()} /presence)");

            var traffic = new SoakTraffic(options, cluster.Client, cluster.EdgeUrls, population, ledger, RealtimeSystem.JwtSettings);
            await traffic.WarmUpAsync(loadStop.Token);
            await WaitUntilAsync(() => population.Of(SoakHub.Notifications).All(c => c.NotificationCount > 0), options.StepTimeout,
                () => $"{population.Of(SoakHub.Notifications).Count(c => c.NotificationCount == 0)} notification clients without their warm-up notification");

            loadStart = WallClock.NowMicros();
            monitor.LoadStart = loadStart;
            var load = Stopwatch.StartNew();
            Say(string.Create(CultureInfo.InvariantCulture, $"warm-up done: load and kills start (load clock 0 s = {DateTime.UtcNow:HH:mm:ss.fff} UTC)"));
            var sampling = sampler.RunAsync(options.MemorySampleEvery, sampleStop.Token);
            var trafficRun = traffic.RunAsync(loadStop.Token);
            var churn = population.ChurnAsync(options.ChurnPerMinute, loadStop.Token);
            var status = StatusAsync(population, ledger, Say, loadStop.Token);
            Task<ConvergenceOutcome>? watching = null;

            foreach (var kill in plan)
            {
                await Task.Delay(Max(TimeSpan.Zero, kill.At - load.Elapsed));
                if (kill.Number == plan.Count)
                {
                    // From the last kill on nobody leaves or comes back: presence has a fixed truth to reach,
                    // watched from the moment of the kill.
                    population.Freeze();
                    convergenceFrom = WallClock.NowMicros();
                    var until = Math.Max(convergenceFrom.Value + (long)(options.ConvergenceLimit + TimeSpan.FromSeconds(10)).TotalMicroseconds, loadStart + (long)options.Duration.TotalMicroseconds);
                    watching = monitor.WatchAsync(until, CancellationToken.None);
                }

                var record = await KillAsync(cluster, population, kill, options, loadStop.Token);
                ledger.Add(record);
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"kill {kill.Number}/{plan.Count}: {kill.Target} down {(record.RestartedAt - record.KilledAt) / 1e6:F1} s, every process ready after {(record.ReadyAt > 0 ? (record.ReadyAt - record.KilledAt) / 1e6 : -1):F1} s{(record.GaveUp > 0 ? $", {record.GaveUp} users gave up" : "")}{(record.Error is null ? "" : $"; {record.Error}")}"));
            }

            await Task.Delay(Max(TimeSpan.Zero, options.Duration - load.Elapsed));
            if (watching is null)
            {
                // No kills: presence is judged from the end of the load.
                population.Freeze();
                convergenceFrom = WallClock.NowMicros();
                watching = monitor.WatchAsync(convergenceFrom.Value + (long)(options.ConvergenceLimit + TimeSpan.FromSeconds(10)).TotalMicroseconds, CancellationToken.None);
            }

            await loadStop.CancelAsync();
            await Task.WhenAll(churn, status);
            Say("load stopped; waiting for sends still retrying and for the presence verdict");
            await trafficRun;
            convergence = await watching;
            awayAtConvergence = population.Users.Count(u => u.Away);
            Say(convergence.ConsistentSince is { } since
                ? string.Create(CultureInfo.InvariantCulture, $"presence converged {(since - convergenceFrom!.Value) / 1e6:F1} s after the last kill ({awayAtConvergence} users away)")
                : $"presence did not converge: {convergence.LastDetail}");
            serverSide = await monitor.CompareWithServerAsync(cluster.Client);

            var back = population.EveryoneBack();
            Say($"{back} users who were away come back (their notifications are replayed)");
            await WaitUntilAsync(() => population.Unsettled == 0, options.StepTimeout, () => $"{population.Unsettled} clients not connected after everyone came back", throwOnTimeout: false);
            // Replayed notifications may take a moment; a broadcast not there seconds after the load stopped never comes (no replay).
            var verdict = new SoakVerdict(options, population, ledger, loadStart);
            await WaitUntilAsync(() => verdict.Outstanding().Notifications == 0, options.StepTimeout, () => $"due deliveries still missing: {verdict.Outstanding()}", throwOnTimeout: false);
            await WaitUntilAsync(() => verdict.Outstanding().Broadcasts == 0, options.DeliveryGrace * 2, () => $"due deliveries still missing: {verdict.Outstanding()}", throwOnTimeout: false);
            population.RecordEnd();
            sampler.SampleOnce();
            await sampleStop.CancelAsync();
            await sampling;
            await clientsStop.CancelAsync();
            await pinging;
        }
        finally
        {
            await clientsStop.CancelAsync();
            await loadStop.CancelAsync();
            await sampleStop.CancelAsync();
            await population.StopAsync();
            await cluster.DisposeAsync();
        }

        var presence = Presence(options, convergence, convergenceFrom, loadStart, serverSide);
        var report = new SoakVerdict(options, population, ledger, loadStart).Build(
            Settings(options, cluster.ClusterId, startedAt, logDirectory), presence, presence.Converged ? [] : [.. convergence?.Examples ?? []], awayAtConvergence);
        var (json, markdown) = SoakResultFiles.Write(options.OutputDirectory, stamp, report);
        Say($"report: {json}, {markdown}");
        return report;
    }

    private static async Task<KillRecord> KillAsync(FaultCluster cluster, SoakPopulation population, PlannedKill kill, SoakOptions options, CancellationToken loadStop)
    {
        var gaveUp = kill.Kind == "edge" ? await population.GiveUpOnAsync(kill.Instance, options.GiveUpOnEdgeKill, loadStop) : 0;
        var killedAt = WallClock.NowMicros();
        long restartedAt = 0, readyAt = 0;
        string? error = null;
        try
        {
            await (kill.Kind switch
            {
                "silo" => cluster.KillSiloAsync(kill.Instance),
                "edge" => cluster.KillEdgeAsync(kill.Instance),
                _ => cluster.Redis.KillAsync(),
            });
            await Task.Delay(kill.Downtime);
            await (kill.Kind switch
            {
                "silo" => cluster.RestartSiloAsync(kill.Instance),
                "edge" => cluster.RestartEdgeAsync(kill.Instance),
                _ => cluster.Redis.StartAsync(),
            });
            restartedAt = WallClock.NowMicros();
            await cluster.WaitUntilEveryNodeIsReadyAsync(options.StepTimeout);
            readyAt = WallClock.NowMicros();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A process that does not come back is a finding of the run (criterion "recovery"), not the end of it.
            error = ex.Message.Split('\n')[0];
            restartedAt = restartedAt == 0 ? WallClock.NowMicros() : restartedAt;
        }

        return new KillRecord(kill.Number, kill.Target, killedAt, restartedAt, readyAt, gaveUp, error);
    }

    private static async Task StatusAsync(SoakPopulation population, SoakLedger ledger, Action<string> say, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(StatusEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var notifications = ledger.NotificationSends;
                var broadcasts = ledger.Broadcasts;
                var memory = ledger.Memory.GroupBy(m => m.Process).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.MaxBy(m => m.At)!.RssBytes / 1048576.0:F0}"));
                say($"open {population.Open}/{population.Clients.Count}, away users {population.Users.Count(u => u.Away)}; notifications accepted {notifications.Count(n => n.Accepted)}/{notifications.Count}, broadcasts accepted {broadcasts.Count(b => b.Accepted)}/{broadcasts.Count}; RSS MB {string.Join(", ", memory)}");
            }
        }
        catch (OperationCanceledException)
        {
            // The load is over.
        }
    }

    private static PresenceResult Presence(SoakOptions options, ConvergenceOutcome? convergence, long? from, long loadStart, List<string> serverSide)
    {
        double? seconds = convergence?.ConsistentSince is { } since && from is { } start ? Math.Max(0, (since - start) / 1e6) : null;
        return new PresenceResult(
            seconds is { } s && s <= options.ConvergenceLimit.TotalSeconds,
            seconds,
            options.ConvergenceLimit.TotalSeconds,
            from is { } f ? (f - loadStart) / 1e6 : null,
            convergence?.LastDetail ?? "the run ended before presence was judged",
            serverSide);
    }

    private static SoakSettings Settings(SoakOptions options, string clusterId, DateTimeOffset startedAt, string logDirectory) => new(
        options.Seed,
        options.Duration.TotalSeconds,
        options.Clients,
        options.Users,
        options.Workspaces,
        string.Create(CultureInfo.InvariantCulture, $"{options.KillEveryMin.TotalSeconds:F0}-{options.KillEveryMax.TotalSeconds:F0} s"),
        options.MaxDowntime.TotalSeconds,
        string.Join(",", options.KillKinds) + (options.KillOrder ? " (in order)" : " (at random)"),
        options.HttpNotificationsPerSecond,
        options.GrainNotificationsPerSecond,
        options.BroadcastsPerSecond,
        options.NavigationsPerSecond,
        options.StatusChangesPerSecond,
        options.ChurnPerMinute,
        options.GiveUpOnEdgeKill,
        options.LeaseDuration.TotalSeconds,
        options.LeaseRenewInterval.TotalSeconds,
        options.RedisAppendFsync,
        string.Create(CultureInfo.InvariantCulture, $"last sample <= baseline + max({options.MemoryGrowthFraction:P0}, {options.MemoryGrowthMb:F0} MB) + {options.MemoryPerConnectionKb:F0} KB per connection an edge held at its peak above its baseline's, baseline {options.MemoryWarmup.TotalSeconds:F0} s after start"),
        options.ConvergenceLimit.TotalSeconds,
        options.DeliveryGrace.TotalSeconds,
        clusterId,
        startedAt,
        logDirectory);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> state, bool throwOnTimeout = true)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                if (throwOnTimeout)
                {
                    throw new TimeoutException($"Soak: not reached in {timeout.TotalSeconds:F0} s: {state()}");
                }

                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
