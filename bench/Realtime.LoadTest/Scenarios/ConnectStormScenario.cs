using System.Diagnostics;
using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Results;
using Realtime.LoadTest.Systems;

namespace Realtime.LoadTest.Scenarios;

/// <summary>N distinct users join one workspace at once; until every client sees N online.</summary>
public static class ConnectStormScenario
{
    public static async Task<ScenarioResult> RunAsync(LoadOptions options, OrleansSystem system)
    {
        var spec = RunContext.OrleansClients(options, system, "/realtime", RunContext.NewWorkspace()) with { TrackPresence = true };
        await using var fleet = ClientFleet.Create(spec, options.EffectiveClientProcesses);
        var clock = Stopwatch.StartNew();
        var connect = await DeliveryRun.ConnectAllAsync(fleet, options);
        var settled = await fleet.WaitUntilAsync(_ => GroupCondition.EveryoneSeesOnline(options.Clients), options.Timeout);
        var settledSeconds = clock.Elapsed.TotalSeconds;
        var (report, _) = await fleet.ReportAsync();
        return new ScenarioResult
        {
            Scenario = "connect-storm",
            Target = system.Target,
            Protocol = options.Protocol.ToString().ToLowerInvariant(),
            Clients = options.Clients,
            ClientProcesses = fleet.Groups.Count,
            Connected = connect.Connected,
            Ready = connect.Ready,
            ConnectsPerSecond = connect.Connected / Math.Max(connect.ConnectSeconds, 1e-3),
            SettledSeconds = settled ? settledSeconds : null,
            PresenceMessagesMin = report.PresenceMessagesMin,
            PresenceMessagesMean = (double)report.PresenceMessagesSum / report.Clients,
            PresenceMessagesMax = report.PresenceMessagesMax,
            PresenceBytesMin = report.PresenceBytesMin,
            PresenceBytesMean = (double)report.PresenceBytesSum / report.Clients,
            PresenceBytesMax = report.PresenceBytesMax,
            ClientErrors = report.Errors + connect.Failed,
            FirstError = settled ? report.FirstError : $"not settled in {options.Timeout.TotalSeconds} s: the lowest online count a client saw is {report.MinOnline}",
        };
    }
}
