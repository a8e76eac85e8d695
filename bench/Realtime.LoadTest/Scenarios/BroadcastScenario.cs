using System.Diagnostics;
using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Systems;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Scenarios;

/// <summary>
/// N connections in one workspace (or spread over W); a backend broadcasts bench:tick { seq, sentAt }
/// R times per second for S seconds through the grain interface or the HTTP API (or the bare hub's
/// group send, or the Socket.IO server's room emit), to the W workspaces in turn.
/// </summary>
public static class BroadcastScenario
{
    /// <summary>
    /// The publisher is "grain" or "http" (<see cref="WorkspaceBroadcaster"/>).
    /// </summary>
    public static async Task<ScenarioResult> RunOrleansAsync(LoadOptions options, OrleansSystem system, string publisher = "grain")
    {
        var workspace = RunContext.NewWorkspace();
        var spec = RunContext.OrleansClients(options, system, "/realtime", workspace);
        var workspaces = Enumerable.Range(0, options.Workspaces).Select(spec.WorkspaceOf).ToList();
        await using var fleet = ClientFleet.Create(spec, options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);
        foreach (var (name, index) in workspaces.Select((name, index) => (name, index)))
        {
            var members = (options.Clients / options.Workspaces) + (index < options.Clients % options.Workspaces ? 1 : 0);
            await RunContext.WaitForWorkspaceConnectionsAsync(system, name, members, options.Timeout);
        }

        await WaitForPresenceQuietAsync(fleet, options.Timeout);

        using var broadcaster = new WorkspaceBroadcaster(system, publisher, options.Publishers);
        Task Publish(string to, string eventName, long seq) => broadcaster.PublishAsync(to, eventName, seq);
        await WarmUpAsync(options, fleet, (eventName, seq) => Task.WhenAll(workspaces.Select(to => Publish(to, eventName, seq))),
            seq => Publish(workspaces[(int)(seq % workspaces.Count)], HubTargets.WarmupLoadEvent, seq));
        var publishes = Publishes(options);
        return await DeliveryRun.MeasureAsync("broadcast", system.Target, options, fleet, connect, publishes,
            seq => Publish(workspaces[(int)(seq % workspaces.Count)], HubTargets.TickEvent, seq),
            group => ExpectedDeliveries(group, publishes),
            publisher);
    }

    /// <summary>What the users of <paramref name="group"/> receive of publishes 0..P-1, publish s going to workspace s mod W.</summary>
    internal static long ExpectedDeliveries(ClientSpec group, int publishes)
    {
        long expected = 0;
        for (var user = group.FirstUser; user < group.FirstUser + group.Count; user++)
        {
            var index = user % group.Workspaces;
            expected += index < publishes ? ((publishes - 1 - index) / group.Workspaces) + 1 : 0;
        }

        return expected;
    }

    /// <summary>The same broadcast against a reference (the bare hub or Socket.IO), one group.</summary>
    public static async Task<ScenarioResult> RunReferenceAsync(LoadOptions options, ReferenceSystem system)
    {
        var group = RunContext.NewWorkspace();
        await using var fleet = ClientFleet.Create(system.Clients(options, group), options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);

        await WarmUpAsync(options, fleet, (eventName, seq) => system.BroadcastAsync(group, eventName, seq),
            seq => system.BroadcastAsync(group, HubTargets.WarmupLoadEvent, seq));
        var publishes = Publishes(options);
        var result = await DeliveryRun.MeasureAsync("broadcast", system.Target, options, fleet, connect, publishes,
            seq => system.BroadcastAsync(group, HubTargets.TickEvent, seq),
            spec => (long)spec.Count * publishes);
        return result with { Protocol = system.ProtocolName(options) };
    }

    /// <summary>
    /// Until no client has had a presence message for a second: the presence the joins set off
    /// (lists to everyone in a workspace of up to 1,000) belongs to the connect storm, not to the
    /// broadcasts measured next. Without this wait, a first broadcast behind that traffic set p99
    /// at 1,000 connections in some runs (115-245 ms against 35-45).
    /// </summary>
    internal static async Task WaitForPresenceQuietAsync(ClientFleet fleet, TimeSpan timeout)
    {
        var quiet = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        var lastCount = -1L;
        var lastChange = TimeSpan.Zero;
        while (clock.Elapsed < timeout)
        {
            var (report, _) = await fleet.ReportAsync();
            if (report.PresenceMessagesSum != lastCount)
            {
                lastCount = report.PresenceMessagesSum;
                lastChange = clock.Elapsed;
            }
            else if (clock.Elapsed - lastChange >= quiet)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"Presence messages still arriving after {timeout.TotalSeconds} s.");
    }

    /// <summary>
    /// Unmeasured broadcasts: first --warmup-seconds of them at the measured rate (the load), then a
    /// few one at a time until every client has them all. Those come last so that, events of a
    /// workspace arriving in order, the load is delivered too before the measured broadcasts start.
    /// </summary>
    internal static async Task WarmUpAsync(LoadOptions options, ClientFleet fleet, Func<string, long, Task> publish, Func<long, Task> publishLoad)
    {
        if (options.WarmupSeconds > 0)
        {
            var load = await Publisher.RunAsync((int)Math.Round(options.Rate * options.WarmupSeconds), options.Rate, publishLoad, options.Timeout);
            if (load.Failed > 0)
            {
                throw new InvalidOperationException($"{load.Failed} of the warm-up's {load.Published} broadcasts failed: {load.FirstError}");
            }
        }

        for (var i = 0; i < options.Warmup; i++)
        {
            await publish(HubTargets.WarmupEvent, i);
        }

        if (options.Warmup > 0 && !await fleet.WaitUntilAsync(_ => GroupCondition.EveryoneWarmedUp(options.Warmup), options.Timeout))
        {
            throw new TimeoutException($"Not every client received the {options.Warmup} warm-up broadcasts in {options.Timeout.TotalSeconds} s.");
        }
    }

    internal static int Publishes(LoadOptions options) => Math.Max(1, (int)Math.Round(options.Rate * options.Seconds));
}
