using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Systems;

namespace Realtime.LoadTest.Scenarios;

/// <summary>N idle connections: (settled RSS after - settled RSS before) / N for edge and silo.</summary>
public static class MemoryScenario
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);
    private const int WarmupConnections = 200;

    public static async Task<ScenarioResult> RunOrleansAsync(LoadOptions options, OrleansSystem system)
    {
        await WarmUpAsync(options, o => RunContext.OrleansClients(o, system, "/realtime", RunContext.NewWorkspace()));
        var edgeBefore = await ProcessMemory.SettledRssBytesAsync(system.EdgePid, SettleTimeout);
        var siloBefore = await ProcessMemory.SettledRssBytesAsync(system.SiloPid, SettleTimeout);
        var heapBefore = await PrometheusGcHeap.ReadBytesAsync(system.EdgeUrl);
        var dumps = await HeapDumpsAsync(options, "before", ("edge", system.EdgePid), ("silo", system.SiloPid));

        var workspace = RunContext.NewWorkspace();
        await using var fleet = ClientFleet.Create(RunContext.OrleansClients(options, system, "/realtime", workspace), options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);
        await RunContext.WaitForWorkspaceConnectionsAsync(system, workspace, options.Clients, options.Timeout);

        var edgeAfter = await ProcessMemory.SettledRssBytesAsync(system.EdgePid, SettleTimeout);
        var siloAfter = await ProcessMemory.SettledRssBytesAsync(system.SiloPid, SettleTimeout);
        var heapAfter = await PrometheusGcHeap.ReadBytesAsync(system.EdgeUrl);
        await HeapDiffsAsync(options, dumps, ("edge", system.EdgePid), ("silo", system.SiloPid));
        var (report, _) = await fleet.ReportAsync();
        return Result("orleans", options, connect, report) with
        {
            EdgeKbPerConnection = PerConnectionKb(edgeAfter - edgeBefore, options.Clients),
            SiloKbPerConnection = PerConnectionKb(siloAfter - siloBefore, options.Clients),
            EdgeGcHeapKbPerConnection = heapBefore is { } before && heapAfter is { } after ? PerConnectionKb(after - before, options.Clients) : null,
        };
    }

    /// <summary>A reference's RSS per connection (the bare hub's .NET process, or Socket.IO's Node.js one).</summary>
    public static async Task<ScenarioResult> RunReferenceAsync(LoadOptions options, ReferenceSystem system)
    {
        await WarmUpAsync(options, o => system.Clients(o, RunContext.NewWorkspace()));
        var before = await ProcessMemory.SettledRssBytesAsync(system.Pid, SettleTimeout);
        var dotnet = system.Target == "bare" ? new[] { (system.Target, system.Pid) } : [];
        var dumps = await HeapDumpsAsync(options, "before", dotnet);
        await using var fleet = ClientFleet.Create(system.Clients(options, RunContext.NewWorkspace()), options.EffectiveClientProcesses);
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);
        var after = await ProcessMemory.SettledRssBytesAsync(system.Pid, SettleTimeout);
        await HeapDiffsAsync(options, dumps, dotnet);
        var (report, _) = await fleet.ReportAsync();
        return Result(system.Target, options, connect, report) with
        {
            Protocol = system.ProtocolName(options),
            EdgeKbPerConnection = PerConnectionKb(after - before, options.Clients),
        };
    }

    /// <summary>
    /// Connects and closes a few hundred clients first, so that one-time costs (JIT, thread pool
    /// growth, Kestrel and SignalR pools, grain types) are in the "before" reading, not per connection.
    /// </summary>
    private static async Task WarmUpAsync(LoadOptions options, Func<LoadOptions, ClientSpec> spec)
    {
        var warmup = options with { Clients = Math.Min(WarmupConnections, options.Clients) };
        await using var fleet = ClientFleet.Create(spec(warmup), 1);
        await DeliveryRun.ConnectAllAsync(fleet, warmup);
    }

    private static async Task<Dictionary<string, IReadOnlyDictionary<string, HeapDump.TypeTotal>>> HeapDumpsAsync(
        LoadOptions options, string phase, params (string Name, int Pid)[] processes)
    {
        var dumps = new Dictionary<string, IReadOnlyDictionary<string, HeapDump.TypeTotal>>(StringComparer.Ordinal);
        foreach (var (name, pid) in options.HeapDumpDirectory is null ? [] : processes)
        {
            dumps[name] = await HeapDump.CollectAsync(pid, Path.Combine(options.HeapDumpDirectory!, $"{name}-{phase}.gcdump"));
        }

        return dumps;
    }

    /// <summary>Dumps each process again and writes what grew, per connection, beside the dumps.</summary>
    private static async Task HeapDiffsAsync(
        LoadOptions options, Dictionary<string, IReadOnlyDictionary<string, HeapDump.TypeTotal>> before, params (string Name, int Pid)[] processes)
    {
        var after = await HeapDumpsAsync(options, "after", processes);
        foreach (var (name, _) in options.HeapDumpDirectory is null ? [] : processes)
        {
            var diff = HeapDump.Diff(before[name], after[name], options.Clients);
            var path = Path.Combine(options.HeapDumpDirectory!, $"{name}-diff.md");
            await File.WriteAllTextAsync(path, diff);
            Console.WriteLine($"{name}: {diff.Split('\n')[0]} ({path})");
        }
    }

    private static ScenarioResult Result(string target, LoadOptions options, ConnectReport connect, GroupReport report) => new()
    {
        Scenario = "memory",
        Target = target,
        Protocol = options.Protocol.ToString().ToLowerInvariant(),
        Clients = options.Clients,
        Connected = connect.Connected,
        Ready = connect.Ready,
        ConnectsPerSecond = connect.Connected / Math.Max(connect.ConnectSeconds, 1e-3),
        ClientErrors = report.Errors + connect.Failed,
        FirstError = report.FirstError,
    };

    private static double PerConnectionKb(long bytes, int connections) => bytes / 1024.0 / connections;
}
