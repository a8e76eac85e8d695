using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Systems;

namespace Realtime.LoadTest.Scenarios;

/// <summary>Shared pieces of scenarios: client specs for each target, waiting on the cluster.</summary>
public static class RunContext
{
    public static string NewWorkspace() => $"bench-{Guid.NewGuid():N}"[..18];

    public static ClientSpec OrleansClients(LoadOptions options, OrleansSystem system, string hubPath, string workspace) => new()
    {
        Servers = system.EdgeUrls,
        HubPath = hubPath,
        Protocol = options.Protocol,
        Workspace = workspace,
        Workspaces = options.Workspaces,
        FirstUser = 0,
        Count = options.Clients,
        TotalUsers = options.Clients,
        Jwt = OrleansSystem.Jwt,
        SourceAddresses = options.SourceAddresses,
        MaxLifetime = options.Timeout * 3 + TimeSpan.FromSeconds(options.Seconds),
        PingInterval = TimeSpan.FromSeconds(options.PingSeconds),
    };

    /// <summary>
    /// Waits until the workspace grain counts every connection: a broadcast reaches the edges the
    /// workspace knows, and a connection registers there just after its "connected" event.
    /// </summary>
    public static async Task WaitForWorkspaceConnectionsAsync(OrleansSystem system, string workspace, int connections, TimeSpan timeout)
    {
        var service = new Realtime.Grains.Broadcasting.RealtimeService(system.Client);
        var deadline = DateTime.UtcNow + timeout;
        int count;
        while ((count = await service.GetWorkspaceConnectionCount(workspace)) < connections)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The workspace counts {count} of {connections} connections.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
