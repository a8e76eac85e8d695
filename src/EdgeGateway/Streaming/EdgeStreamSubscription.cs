using Orleans.Streams;
using Realtime.EdgeGateway.Health;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>
/// Subscribes this edge to its own stream before it accepts connections, and unsubscribes on
/// a clean stop so that the subscription does not outlive the process in PubSubStore.
/// </summary>
public sealed partial class EdgeStreamSubscription(
    IClusterClient client,
    EdgeIdentity edge,
    EdgeEventDispatcher dispatcher,
    EdgeMetrics metrics,
    EdgeReadiness readiness,
    ILogger<EdgeStreamSubscription> logger) : IHostedService
{
    private StreamSubscriptionHandle<EdgeEvent>? _handle;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stream = client.GetStreamProvider(StreamNames.Provider).GetStream<EdgeEvent>(StreamNames.ForEdge(edge.EdgeId));
        _handle = await stream.SubscribeAsync(OnNextAsync, OnErrorAsync);
        readiness.StreamSubscribed();
        LogSubscribed(edge.EdgeId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        readiness.StreamUnsubscribed();
        if (_handle is null)
        {
            return;
        }

        try
        {
            await _handle.UnsubscribeAsync().WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnsubscribeFailed(ex, edge.EdgeId);
        }
    }

    /// <summary>
    /// Starts the delivery of an event to every local socket and returns without waiting for the
    /// writes to finish: a stuck client's socket must not hold up the stream, and so everyone else
    /// on this edge. Writes to one connection still go out in the order they were started.
    /// </summary>
    private Task OnNextAsync(EdgeEvent evt, StreamSequenceToken? token)
    {
        metrics.EventReceived(evt);
        Task delivery;
        try
        {
            delivery = dispatcher.DispatchAsync(evt);
        }
        catch (Exception ex)
        {
            DispatchFailed(ex, evt);
            return Task.CompletedTask;
        }

        if (delivery.IsCompletedSuccessfully)
        {
            metrics.EventDispatched(evt);
        }
        else
        {
            _ = ObserveAsync(delivery, evt);
        }

        return Task.CompletedTask;
    }

    private async Task ObserveAsync(Task delivery, EdgeEvent evt)
    {
        try
        {
            await delivery;
            metrics.EventDispatched(evt);
        }
        catch (Exception ex)
        {
            // One failed delivery must not stop the stream for every other event.
            DispatchFailed(ex, evt);
        }
    }

    private void DispatchFailed(Exception ex, EdgeEvent evt)
    {
        metrics.DispatchFailed(evt.EventName);
        LogDispatchFailed(ex, evt.EventName, evt.Deliveries.Count);
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

    [LoggerMessage(3, LogLevel.Error, "Delivering {EventName} to {DeliveryCount} audiences failed")]
    private partial void LogDispatchFailed(Exception ex, string eventName, int deliveryCount);

    [LoggerMessage(4, LogLevel.Error, "Event stream of edge {EdgeId} failed")]
    private partial void LogStreamError(Exception ex, string edgeId);
}
