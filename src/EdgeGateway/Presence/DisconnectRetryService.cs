using Realtime.EdgeGateway.Identity;

namespace Realtime.EdgeGateway.Presence;

/// <summary>
/// Tells presence grains about connections that ended while the grain could not be told: a
/// disconnect sent to a silo that just died is lost, and the closed connection would keep its user
/// online (a ghost for the whole workspace) until the grain's stale-connection sweep, minutes
/// later. Every second each untold end is sent again, until the grain takes it or
/// <see cref="GiveUpAfter"/> (the sweep's own timeout covers what is left).
/// </summary>
public sealed partial class DisconnectRetryService(
    IGrainFactory grains,
    LocalConnections connections,
    TimeProvider timeProvider,
    ILogger<DisconnectRetryService> logger) : BackgroundService
{
    /// <summary>How long one disconnect may take before it counts as untold; a call to a dead silo is answered only after 30 s.</summary>
    public static readonly TimeSpan AttemptTime = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Tells the user's presence grain that the connection ended; if the grain cannot be told now,
    /// the connection is kept as untold and told again every second.
    /// </summary>
    public static async Task EndAsync(IGrainFactory grains, LocalConnections connections, ConnectionIdentity identity, string connectionId, TimeProvider timeProvider)
    {
        connections.Remove(connectionId);
        if (!await TryTellAsync(grains, identity, connectionId, timeProvider))
        {
            connections.EndedUntold(connectionId, identity, timeProvider.GetUtcNow());
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetryInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (connectionId, identity, endedAt) in connections.Untold())
            {
                if (await TryTellAsync(grains, identity, connectionId, timeProvider))
                {
                    connections.Told(connectionId);
                    LogTold(connectionId, timeProvider.GetUtcNow() - endedAt);
                }
                else if (timeProvider.GetUtcNow() - endedAt > GiveUpAfter)
                {
                    connections.Told(connectionId);
                    LogGaveUp(connectionId);
                }
            }
        }
    }

    private static async Task<bool> TryTellAsync(IGrainFactory grains, ConnectionIdentity identity, string connectionId, TimeProvider timeProvider)
    {
        try
        {
            await grains.UserPresence(identity).Disconnect(connectionId).WaitAsync(AttemptTime, timeProvider);
            return true;
        }
        catch (Exception)
        {
            // Unanswered or refused (the grain's silo died under the call): told again later.
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "The presence grain of connection {ConnectionId} took its end {Delay} late")]
    private partial void LogTold(string connectionId, TimeSpan delay);

    [LoggerMessage(2, LogLevel.Warning, "Gave up telling the presence grain that connection {ConnectionId} ended; its stale-connection sweep will")]
    private partial void LogGaveUp(string connectionId);
}
