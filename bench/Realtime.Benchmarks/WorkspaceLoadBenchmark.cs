using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Grains;
using Realtime.Grains.Presence;
using Realtime.Grains.Workspaces;
using Realtime.Testing;

namespace Realtime.Benchmarks;

/// <summary>
/// How hard one workspace grain works with N users: the grain calls it takes while N users
/// connect, then during a full heartbeat round (what edges send every Edge:HeartbeatInterval),
/// then while 1% of the users change page. Drives the grains through an edge's Orleans client,
/// as edges do, without sockets (the socket side is the load benchmark's). The workspace grain's
/// calls are counted by an incoming call filter in the silo, so its interface carries nothing
/// for the benchmark.
/// </summary>
public static class WorkspaceLoadBenchmark
{
    private const int Parallelism = 64;

    public static async Task RunAsync(int users)
    {
        var counter = new GrainCallCounter(typeof(IWorkspaceGrain));
        await using var system = await RealtimeSystem.StartEmbeddedAsync(
            configureSilo: silo => silo.Services.AddSingleton<IIncomingGrainCallFilter>(counter));
        var grains = system.EdgeService<IClusterClient>();
        var workspace = grains.GetGrain<IWorkspaceGrain>("load");
        var presence = new PresenceService(grains);
        var ids = Enumerable.Range(0, users).Select(i => $"user{i:D5}").ToList();

        var connect = await MeasureAsync(counter, () => Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (id, _) =>
            await presence.SetUserOnline("load", id, $"{id}-c", "bench-edge")));
        Report($"{users} users connect", connect);

        var heartbeat = await MeasureAsync(counter, () => Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (id, _) =>
            await grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace("load", id)).Heartbeat([$"{id}-c"])));
        Report($"one heartbeat round of {users} connections", heartbeat);

        var movers = ids.Where((_, i) => i % 100 == 0).ToList();
        var navigate = await MeasureAsync(counter, () => Parallel.ForEachAsync(movers, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (id, _) =>
            await presence.UpdateUserPage("load", id, "/elsewhere")));
        Report($"{movers.Count} users (1%) change page", navigate);

        var stats = await workspace.GetStats();
        Console.WriteLine($"summary afterwards: online {stats.OnlineUsers}, away {stats.AwayUsers}, total {stats.Members}");
    }

    private static async Task<(TimeSpan Elapsed, long WorkspaceCalls)> MeasureAsync(GrainCallCounter counter, Func<Task> phase)
    {
        var before = counter.Snapshot();
        var clock = Stopwatch.StartNew();
        await phase();
        clock.Stop();
        return (clock.Elapsed, GrainCallCounter.Between(before, counter.Snapshot()).Values.Sum());
    }

    private static void Report(string phase, (TimeSpan Elapsed, long WorkspaceCalls) result) =>
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"| {phase} | {result.Elapsed.TotalSeconds:F2} s | {result.WorkspaceCalls} | {result.WorkspaceCalls / result.Elapsed.TotalSeconds:F0} |"));
}
