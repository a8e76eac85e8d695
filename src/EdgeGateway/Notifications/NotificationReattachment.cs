using Realtime.EdgeGateway.Streaming;
using Realtime.Grains;
using Realtime.Grains.Notifications;

namespace Realtime.EdgeGateway.Notifications;

/// <summary>
/// Fills gaps in live notifications: after this edge lost its stream subscription every
/// /notifications connection, and after a connection saw a notification arrive before an earlier
/// one (lost on the way) that connection, attaches again from the newest notification it has had.
/// The grain's catch-up fills the gap, in order, and repeats are dropped by the connection's mark.
/// </summary>
public sealed partial class NotificationReattachment(
    IGrainFactory grains,
    EdgeIdentity edge,
    NotificationConnections connections,
    ILogger<NotificationReattachment> logger)
{
    private const int MaxConcurrentCalls = 16;

    public async Task ReattachAllAsync(CancellationToken cancellationToken)
    {
        var subscribers = connections.All.ToList();
        await Parallel.ForEachAsync(
            subscribers,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCalls, CancellationToken = cancellationToken },
            async (subscriber, _) => await ReattachAsync(subscriber));
        LogReattached(subscribers.Count);
    }

    /// <summary>Attaches again the connections whose attach barrier did not come within the attach timeout.</summary>
    public async Task ReattachStalledAsync(CancellationToken cancellationToken)
    {
        var stalled = connections.Stalled.ToList();
        if (stalled.Count == 0)
        {
            return;
        }

        LogStalled(stalled.Count);
        await Parallel.ForEachAsync(
            stalled,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCalls, CancellationToken = cancellationToken },
            async (subscriber, _) => await ReattachAsync(subscriber));
    }

    /// <summary>Attaches one connection again from the newest notification it has had.</summary>
    public async Task ReattachAsync(NotificationConnections.Subscriber subscriber)
    {
        // Live notifications wait for the barrier: everything before it comes in the catch-up.
        subscriber.Suspend();
        LogReattaching(subscriber.ConnectionId, subscriber.ResumeFromId);
        var grain = grains.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(subscriber.Identity.WorkspaceId, subscriber.Identity.UserId));
        try
        {
            await grain.Attach(subscriber.ConnectionId, edge.EdgeId, subscriber.ResumeFromId);
        }
        catch (Exception ex)
        {
            // Better live with a possible gap than not live at all; the client can still sync.
            subscriber.GoLive(latestId: null);
            LogReattachFailed(ex, subscriber.ConnectionId);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Attached {Count} notification connections again after the event stream was restored")]
    private partial void LogReattached(int count);

    [LoggerMessage(3, LogLevel.Warning, "{Count} notification connections waited too long for their attach barrier; attaching them again")]
    private partial void LogStalled(int count);

    [LoggerMessage(2, LogLevel.Warning, "Connection {ConnectionId} could not attach to its notifications again")]
    private partial void LogReattachFailed(Exception ex, string connectionId);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} attaches again from notification {ResumeFrom}")]
    private partial void LogReattaching(string connectionId, string? resumeFrom);
}
