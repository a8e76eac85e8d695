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
        var publishes = Publishes(options);
        return await DeliveryRun.MeasureAsync("broadcast", "orleans", options, fleet, connect, publishes,
            seq => service.BroadcastToWorkspace(workspace, HubTargets.TickEvent, new { seq, sentAt = WallClock.NowMicros() }),
            spec => (long)spec.Count * publishes);
    }

    public static async Task<ScenarioResult> RunBareAsync(LoadOptions options, BareHubSystem system)
    {
        var group = RunContext.NewWorkspace();
        await using var fleet = ClientFleet.Create(RunContext.BareClients(options, system, group), options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);

        var publishes = Publishes(options);
        return await DeliveryRun.MeasureAsync("broadcast", "bare", options, fleet, connect, publishes,
            seq => system.BroadcastAsync(group, seq),
            spec => (long)spec.Count * publishes);
    }

    private static int Publishes(LoadOptions options) => Math.Max(1, (int)Math.Round(options.Rate * options.Seconds));
}
