using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Hosting;

namespace Realtime.EdgeGateway.Presence;

/// <summary>
/// Vouches for every local connection to its presence grain once per heartbeat interval (one
/// call per user, never to the workspace grain). Connections the grain no longer knows are
/// registered again, so presence heals itself after a sweep or lost state.
/// </summary>
public sealed partial class ConnectionHeartbeatService(
    IGrainFactory grains,
    LocalConnections connections,
    ConnectionReregistration reregistration,
    IOptions<EdgeOptions> options,
    TimeProvider timeProvider,
    ILogger<ConnectionHeartbeatService> logger) : BackgroundService
{
    private const int MaxConcurrentCalls = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Parallel.ForEachAsync(
                connections.ByUser(),
                new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCalls, CancellationToken = stoppingToken },
                async (user, _) =>
                {
                    try
                    {
                        var unknown = await grains.UserPresence(user.Identity).Heartbeat(user.ConnectionIds);
                        if (unknown.Count > 0)
                        {
                            await reregistration.RegisterAsync(user.Identity, unknown);
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogHeartbeatFailed(ex, user.Identity.UserId, user.Identity.WorkspaceId);
                    }
                });
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Heartbeat for user {UserId} in workspace {WorkspaceId} failed")]
    private partial void LogHeartbeatFailed(Exception ex, string userId, string workspaceId);
}
