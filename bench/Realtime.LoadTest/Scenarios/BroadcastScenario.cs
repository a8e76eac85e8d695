using Realtime.Grains.Broadcasting;
using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Metrics;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Systems;
using Realtime.LoadTest.Wire;

namespace Realtime.LoadTest.Scenarios;

/// <summary>
/// N connections in one workspace; a backend broadcasts bench:tick { seq, sentAt } R times per
/// second for S seconds through the grain interface (or the bare hub's group send).
/// </summary>
public static class BroadcastScenario
{
    public static async Task<ScenarioResult> RunOrleansAsync(LoadOptions options, OrleansSystem system)
    {
        var workspace = RunContext.NewWorkspace();
        await using var fleet = ClientFleet.Create(RunContext.OrleansClients(options, system, "/realtime", workspace), options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);
        await RunContext.WaitForWorkspaceConnectionsAsync(system, workspace, options.Clients, options.Timeout);

        var service = new RealtimeService(system.Client);
        Task Publish(string eventName, long seq) => service.BroadcastToWorkspace(workspace, eventName, new { seq, sentAt = WallClock.NowMicros() });
        await WarmUpAsync(options, fleet, Publish);
        var publishes = Publishes(options);
        return await DeliveryRun.MeasureAsync("broadcast", "orleans", options, fleet, connect, publishes,
            seq => Publish(HubTargets.TickEvent, seq),
            spec => (long)spec.Count * publishes);
    }

    public static async Task<ScenarioResult> RunBareAsync(LoadOptions options, BareHubSystem system)
    {
        var group = RunContext.NewWorkspace();
        await using var fleet = ClientFleet.Create(RunContext.BareClients(options, system, group), options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);

        await WarmUpAsync(options, fleet, (eventName, seq) => system.BroadcastAsync(group, eventName, seq));
        var publishes = Publishes(options);
        return await DeliveryRun.MeasureAsync("broadcast", "bare", options, fleet, connect, publishes,
            seq => system.BroadcastAsync(group, HubTargets.TickEvent, seq),
            spec => (long)spec.Count * publishes);
    }

    /// <summary>A few unmeasured broadcasts, one at a time, until every client has them all.</summary>
    private static async Task WarmUpAsync(LoadOptions options, ClientFleet fleet, Func<string, long, Task> publish)
    {
        for (var i = 0; i < options.Warmup; i++)
        {
            await publish(HubTargets.WarmupEvent, i);
        }

        if (options.Warmup > 0 && !await fleet.WaitUntilAsync(_ => GroupCondition.EveryoneWarmedUp(options.Warmup), options.Timeout))
        {
            throw new TimeoutException($"Not every client received the {options.Warmup} warm-up broadcasts in {options.Timeout.TotalSeconds} s.");
        }
    }

    private static int Publishes(LoadOptions options) => Math.Max(1, (int)Math.Round(options.Rate * options.Seconds));
}
