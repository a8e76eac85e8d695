using Realtime.Grains.Notifications;
using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Metrics;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Systems;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Scenarios;

/// <summary>
/// N connections on /notifications; R times per second a backend sends a notification to each of
/// the next B users (rotating through all N), with { seq, sentAt } in its data.
/// </summary>
public static class NotifyScenario
{
    public static async Task<ScenarioResult> RunAsync(LoadOptions options, OrleansSystem system)
    {
        var workspace = RunContext.NewWorkspace();
        var spec = RunContext.OrleansClients(options, system, "/notifications", workspace) with { ReadyOn = HubTarget.NotificationUnread };
        await using var fleet = ClientFleet.Create(spec, options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);

        var service = new NotificationService(system.Client);
        var rounds = Math.Max(1, (int)Math.Round(options.Rate * options.Seconds));
        var batch = Math.Min(options.Batch, options.Clients);
        var perUser = new long[options.Clients];
        for (long round = 0; round < rounds; round++)
        {
            for (var j = 0; j < batch; j++)
            {
                perUser[Recipient(round, j, batch, options.Clients)]++;
            }
        }

        var result = await DeliveryRun.MeasureAsync("notify", system.Target, options, fleet, connect, rounds,
            round => Task.WhenAll(Enumerable.Range(0, batch).Select(j => service.SendNotification(
                $"u{Recipient(round, j, batch, options.Clients)}", workspace, NotificationTypes.System, "bench", "tick",
                new { seq = round, sentAt = WallClock.NowMicros() }))),
            group => perUser.AsSpan(group.FirstUser, group.Count).ToArray().Sum());
        return result with { Rate = options.Rate * batch };
    }

    private static int Recipient(long round, int j, int batch, int users) => (int)((round * batch + j) % users);
}
