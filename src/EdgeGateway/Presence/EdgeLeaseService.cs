using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Edges;

namespace Realtime.EdgeGateway.Presence;

/// <summary>
/// Keeps this edge's lease with the cluster (reporting its connection count for the stats).
/// Should the edge die without a goodbye, the lease lapses and the cluster evicts its
/// connections. On a clean stop it leaves at once.
/// </summary>
public sealed partial class EdgeLeaseService(
    IGrainFactory grains,
    EdgeIdentity edge,
    IOptions<EdgeOptions> options,
    LocalConnections connections,
    ConnectionReregistration reregistration,
    EdgeStreamSubscription subscription,
    EdgeReadiness readiness,
    TimeProvider timeProvider,
    ILogger<EdgeLeaseService> logger) : BackgroundService
{
    /// <summary>
    /// How long one renewal may take. A call sent to a silo that just died gets no answer until the
    /// cluster's response timeout (30 s), longer than the lease: without a bound of its own the
    /// renewal would hang while the lease lapses and the cluster evicts a healthy edge.
    /// </summary>
    private static readonly TimeSpan MaxAttemptTime = TimeSpan.FromSeconds(3);

    /// <summary>Pause between failed attempts, while the cluster moves the edge's grain to a live silo.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private IEdgeGrain Lease => grains.GetGrain<IEdgeGrain>(edge.EdgeId);

    private TimeSpan AttemptTime => options.Value.LeaseRenewInterval < MaxAttemptTime ? options.Value.LeaseRenewInterval : MaxAttemptTime;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Hold a lease before the first connection is accepted.
        await RenewAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        readiness.LeaseEnded();
        await base.StopAsync(cancellationToken);
        try
        {
            await Lease.Leave().WaitAsync(ClusterUnavailable.StopCallTimeout, cancellationToken);
        }
        catch (Exception ex)
        {
            LogLeaveFailed(ex, edge.EdgeId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RenewUntilDoneAsync(stoppingToken);
        }
    }

    /// <summary>Renews, trying again at once after a failed or unanswered attempt, until the next renewal is due.</summary>
    private async Task RenewUntilDoneAsync(CancellationToken stoppingToken)
    {
        var nextDue = timeProvider.GetUtcNow() + options.Value.LeaseRenewInterval;
        while (true)
        {
            try
            {
                if (await RenewAsync().WaitAsync(AttemptTime, timeProvider, stoppingToken))
                {
                    // The eviction removed this edge's stream subscription and its connections: restore both.
                    LogLeaseLapsed(edge.EdgeId);
                    await subscription.ResubscribeAsync(stoppingToken);
                    await reregistration.RegisterAllAsync(stoppingToken);
                }

                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRenewFailed(ex, edge.EdgeId);
            }

            if (timeProvider.GetUtcNow() + RetryDelay >= nextDue)
            {
                return;
            }

            await Task.Delay(RetryDelay, timeProvider, stoppingToken);
        }
    }

    /// <summary>Renews the lease; true if it had lapsed. Readiness counts the lease from before the call, to err on the short side.</summary>
    private async Task<bool> RenewAsync()
    {
        var sentAt = timeProvider.GetUtcNow();
        var lapsed = await Lease.Renew(options.Value.LeaseDuration, connections.Count);
        readiness.LeaseHeldUntil(sentAt + options.Value.LeaseDuration);
        return lapsed;
    }

    [LoggerMessage(1, LogLevel.Warning, "Renewing the lease of edge {EdgeId} failed or took too long; trying again")]
    private partial void LogRenewFailed(Exception ex, string edgeId);

    [LoggerMessage(2, LogLevel.Warning, "The lease of edge {EdgeId} had lapsed; registering its connections again")]
    private partial void LogLeaseLapsed(string edgeId);

    [LoggerMessage(3, LogLevel.Warning, "Edge {EdgeId} could not end its lease on stop; it will lapse")]
    private partial void LogLeaveFailed(Exception ex, string edgeId);
}
