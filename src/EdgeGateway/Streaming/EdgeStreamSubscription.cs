using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.PubSub;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Notifications;
using Realtime.EdgeGateway.Telemetry;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Sessions;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// Subscribes this edge to its own stream before it accepts connections, keeps the subscription
/// (the cluster can drop it: a pulling agent that cannot reach the edge, or an eviction), and
/// unsubscribes on a clean stop so that it does not outlive the process in PubSubStore.
/// </summary>
public sealed partial class EdgeStreamSubscription(
    IClusterClient client,
    EdgeIdentity edge,
    EdgeEventDispatcher dispatcher,
    WorkspaceFeedReader feeds,
    NotificationReattachment reattachment,
    IOptions<EdgeOptions> options,
    EdgeMetrics metrics,
    EdgeReadiness readiness,
    TimeProvider timeProvider,
    RevokedSessions revokedSessions,
    ILogger<EdgeStreamSubscription> logger) : BackgroundService
{
    private readonly SemaphoreSlim _resubscribing = new(1, 1);
    private StreamSubscriptionHandle<EdgeEvent>? _handle;
    private volatile bool _catchUpAfterNextCheck;

    private IStreamProvider Provider => client.GetStreamProvider(StreamNames.Provider);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _handle = await SubscribeAsync();
        readiness.StreamSubscribed();
        LogSubscribed(edge.EdgeId);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        readiness.StreamUnsubscribed();
        if (_handle is null)
        {
            return;
        }

        try
        {
            await _handle.UnsubscribeAsync().WaitAsync(ClusterUnavailable.StopCallTimeout, cancellationToken);
        }
        catch (Exception ex)
        {
            LogUnsubscribeFailed(ex, edge.EdgeId);
        }
    }

    public override void Dispose()
    {
        _resubscribing.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Subscribes again (the cluster no longer has this edge's subscription), then lets every
    /// notification connection attach again and every workspace feed be checked, to fill what the gap may have lost.
    /// </summary>
    public async Task ResubscribeAsync(CancellationToken cancellationToken)
    {
        await _resubscribing.WaitAsync(cancellationToken);
        try
        {
            var stale = _handle;
            _handle = await SubscribeAsync();
            metrics.StreamResubscribed();
            LogResubscribed(edge.EdgeId);
            if (stale is not null)
            {
                await DropLocallyAsync(stale);
            }
        }
        finally
        {
            _resubscribing.Release();
        }

        await reattachment.ReattachAllAsync(cancellationToken);
        feeds.CheckEverythingSoon();

        // A notification published right after the new subscription, before the cluster's pulling
        // agent delivers to it, is missed by the stream and by that first catch-up alike; the
        // next check, with the subscription confirmed, catches up once more (repeats are dropped).
        _catchUpAfterNextCheck = true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StreamCheckInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // A check waiting on an unreachable cluster must not hold up a stop.
                if (!await IsSubscribedAsync().WaitAsync(stoppingToken))
                {
                    await ResubscribeAsync(stoppingToken);
                }
                else if (_catchUpAfterNextCheck)
                {
                    _catchUpAfterNextCheck = false;
                    await reattachment.ReattachAllAsync(stoppingToken);
                }
                else
                {
                    await reattachment.ReattachStalledAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(ex, edge.EdgeId);
            }
        }
    }

    private async Task<bool> IsSubscribedAsync()
    {
        var handle = _handle;
        if (handle is null || !Provider.TryGetStreamSubscriptionManager(out var manager))
        {
            return true;
        }

        var subscriptions = await manager.GetSubscriptions(StreamNames.Provider, StreamNames.ForEdge(edge.EdgeId));
        return subscriptions.Any(s => s.SubscriptionId == handle.HandleId);
    }

    private Task<StreamSubscriptionHandle<EdgeEvent>> SubscribeAsync() =>
        Provider.GetStream<EdgeEvent>(StreamNames.ForEdge(edge.EdgeId)).SubscribeAsync(OnNextAsync, OnErrorAsync);

    private async Task DropLocallyAsync(StreamSubscriptionHandle<EdgeEvent> stale)
    {
        try
        {
            // Already gone from PubSubStore; this drops the local observer.
            await stale.UnsubscribeAsync();
        }
        catch (Exception ex)
        {
            LogUnsubscribeFailed(ex, edge.EdgeId);
        }
    }

    /// <summary>Workspace feed events go through the feed reader, which keeps each workspace's in order and repairs gaps.</summary>
    private Task OnNextAsync(EdgeEvent evt, StreamSequenceToken? token)
    {
        metrics.EventReceived(evt);
        if (evt is { EventName: RealtimeEvents.SessionRevoked, Deliveries: [{ Payload: SessionRevocation revocation }] })
        {
            // Closing the connections must not hold up the stream.
            _ = revokedSessions.ApplyAsync(revocation);
            return Task.CompletedTask;
        }

        if (evt.Position is null)
        {
            dispatcher.Deliver(evt);
            return Task.CompletedTask;
        }

        return feeds.ReceiveAsync(evt);
    }

    private Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, edge.EdgeId);
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Edge {EdgeId} subscribed to its event stream")]
    private partial void LogSubscribed(string edgeId);

    [LoggerMessage(2, LogLevel.Warning, "Edge {EdgeId} could not unsubscribe from its event stream")]
    private partial void LogUnsubscribeFailed(Exception ex, string edgeId);

    [LoggerMessage(4, LogLevel.Error, "Event stream of edge {EdgeId} failed")]
    private partial void LogStreamError(Exception ex, string edgeId);

    [LoggerMessage(5, LogLevel.Warning, "Edge {EdgeId} had lost its event stream subscription and subscribed again")]
    private partial void LogResubscribed(string edgeId);

    [LoggerMessage(6, LogLevel.Warning, "Edge {EdgeId} could not check its event stream subscription; checking again at the next interval")]
    private partial void LogCheckFailed(Exception ex, string edgeId);
}
