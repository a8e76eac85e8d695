using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Notifications;
using Realtime.LoadTest.Metrics;

namespace Realtime.LoadTest.Soak;

/// <summary>
/// The soak's steady load, each stream at its own fixed rate: notifications over HTTP (role service)
/// and through NotificationService, workspace broadcasts through RealtimeService, page:navigate and
/// presence:status from clients. Notifications are retried until accepted, as a backend does;
/// broadcasts are fire-and-forget (a failed one is not retried, so a seq is never sent twice).
/// </summary>
public sealed class SoakTraffic(SoakOptions options, IClusterClient cluster, IReadOnlyList<Uri> edges, SoakPopulation population, SoakLedger ledger, JwtOptions jwt)
{
    /// <summary>How long a backend keeps retrying one notification (rides out a silo's death or a Redis restart).</summary>
    public static readonly TimeSpan SendWindow = TimeSpan.FromSeconds(45);

    /// <summary>
    /// A backend's per-attempt timeout: a call in flight to a silo that died fails only at
    /// Cluster:ResponseTimeout (30 s). An attempt given up may still have been stored: its id was
    /// never returned, so clients may receive it without it being accepted (counted as unaccounted).
    /// </summary>
    public static readonly TimeSpan GrainAttemptTimeout = TimeSpan.FromSeconds(3);

    public static readonly TimeSpan HttpAttemptTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);
    private static readonly string[] Pages = ["/inbox", "/calendar", "/analytics", "/dashboard", "/publishing", "/settings"];

    private readonly NotificationService _notifications = new(cluster);
    private readonly RealtimeService _broadcasts = new(cluster);
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _serviceToken = new DevelopmentTokenIssuer(jwt, TimeProvider.System)
        .Issue("soak-backend", population.WorkspaceIds.ToArray(), ["service"], options.Duration + TimeSpan.FromHours(1));

    private long _broadcastSeq;
    private long _notificationNumber;

    /// <summary>One notification to every user through the grain interface, before the load: every client then has an id to resume from.</summary>
    public async Task WarmUpAsync(CancellationToken stop) =>
        await Parallel.ForEachAsync(population.Users, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = stop }, async (user, _) =>
            await SendThroughGrainAsync(user, "warmup"));

    /// <summary>Runs every stream until <paramref name="stop"/>, then waits for the sends still retrying.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var sends = new ConcurrentQueue<Task>();
        var random = new Random(options.Seed ^ 0x5EED);
        var loops = new[]
        {
            PacedAsync(options.HttpNotificationsPerSecond, () => sends.Enqueue(SendOverHttpAsync(Pick(random))), stop),
            PacedAsync(options.GrainNotificationsPerSecond, () => sends.Enqueue(SendThroughGrainAsync(Pick(random), "grain")), stop),
            PacedAsync(options.BroadcastsPerSecond, () => sends.Enqueue(BroadcastAsync()), stop),
            PacedAsync(options.NavigationsPerSecond, () => Navigate(random), stop),
            PacedAsync(options.StatusChangesPerSecond, () => ChangeStatus(random), stop),
        };

        await Task.WhenAll(loops);
        await Task.WhenAll(sends);
        _http.Dispose();
    }

    private SoakUser Pick(Random random)
    {
        lock (random)
        {
            return population.Users[random.Next(population.Users.Count)];
        }
    }

    private void Navigate(Random random)
    {
        SoakClient? client;
        string page;
        lock (random)
        {
            client = population.RandomOpen(SoakHub.Realtime, random);
            page = Pages[random.Next(Pages.Length)];
        }

        _ = client?.InvokeAsync("page:navigate", new { page });
    }

    private void ChangeStatus(Random random)
    {
        SoakClient? client;
        string status;
        lock (random)
        {
            client = population.RandomOpen(SoakHub.Presence, random);
            status = random.Next(2) == 0 ? "away" : "online";
        }

        _ = client?.InvokeAsync("presence:status", new { status });
    }

    private async Task BroadcastAsync()
    {
        var seq = Interlocked.Increment(ref _broadcastSeq);
        var workspace = (int)(seq % population.WorkspaceIds.Count);
        var startedAt = WallClock.NowMicros();
        try
        {
            await _broadcasts.BroadcastToWorkspace(population.WorkspaceIds[workspace], SoakWire.TickEvent, new { seq, sentAt = startedAt }).WaitAsync(GrainAttemptTimeout);
            ledger.Add(new BroadcastSend(seq, workspace, startedAt, WallClock.NowMicros(), Accepted: true, null));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ledger.Add(new BroadcastSend(seq, workspace, startedAt, WallClock.NowMicros(), Accepted: false, ex.GetType().Name));
        }
    }

    private Task SendThroughGrainAsync(SoakUser user, string via) =>
        SendUntilAcceptedAsync(via, user, async (number, _) =>
        {
            var sent = await _notifications.SendNotification(user.Id, user.WorkspaceId, NotificationTypes.Mention, "soak", $"n{number}", new { number })
                .WaitAsync(GrainAttemptTimeout);
            return (sent.Id, null);
        });

    private Task SendOverHttpAsync(SoakUser user) =>
        SendUntilAcceptedAsync("http", user, async (number, attempt) =>
        {
            // An edge may be down: each attempt goes to the next one.
            var edge = (int)((number + attempt - 1) % edges.Count);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(edges[edge], "/realtime/notifications/send"))
            {
                Content = JsonContent.Create(new { userId = user.Id, workspaceId = user.WorkspaceId, type = NotificationTypes.Mention, title = "soak", message = $"n{number}", data = new { number } }),
            };
            request.Headers.Authorization = new("Bearer", _serviceToken);
            using var timeout = new CancellationTokenSource(HttpAttemptTimeout);
            using var response = await _http.SendAsync(request, timeout.Token);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return (null, $"HTTP {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            return (body.GetProperty("id").GetString(), null);
        });

    /// <summary>
    /// Attempts a notification send until one is accepted or the send window ends, as a backend
    /// retries, and records the outcome: the accepted id, or the last error.
    /// </summary>
    private async Task SendUntilAcceptedAsync(string via, SoakUser user, Func<long, int, Task<(string? Id, string? Error)>> attempt)
    {
        var number = Interlocked.Increment(ref _notificationNumber);
        var window = Stopwatch.StartNew();
        var attempts = 0;
        string? error = null;
        while (window.Elapsed < SendWindow)
        {
            attempts++;
            var startedAt = WallClock.NowMicros();
            string? id;
            try
            {
                (id, error) = await attempt(number, attempts);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                (id, error) = (null, ex.GetType().Name);
            }

            if (id is not null)
            {
                ledger.Add(new NotificationSend(via, user.Number, id, startedAt, WallClock.NowMicros(), attempts, null));
                return;
            }

            await Task.Delay(RetryPause);
        }

        ledger.Add(new NotificationSend(via, user.Number, null, 0, WallClock.NowMicros(), attempts, error));
    }

    /// <summary>Calls <paramref name="action"/> <paramref name="rate"/> times a second (on schedule, whether or not earlier sends finished) until stopped.</summary>
    private async Task PacedAsync(double rate, Action action, CancellationToken stop)
    {
        if (rate <= 0)
        {
            return;
        }

        // Bounded in count as well as by the stop token.
        var maxCalls = (long)(rate * (options.Duration.TotalSeconds + 600));
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < maxCalls && !stop.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due > clock.Elapsed)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            action();
        }
    }
}
