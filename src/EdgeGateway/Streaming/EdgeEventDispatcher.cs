using System.Diagnostics;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>Delivers events from the cluster to the local sockets of each audience, on each hub the event names.</summary>
public sealed partial class EdgeEventDispatcher(IEnumerable<IHubEventSender> senders, EdgeMetrics metrics, EdgeIdentity edge, ILogger<EdgeEventDispatcher> logger)
{
    private readonly IHubEventSender[] _senders = [.. senders];

    /// <summary>
    /// Starts the delivery of an event to every local socket and returns without waiting for the
    /// writes to finish: a stuck client's socket must not hold up the stream, and so everyone else
    /// on this edge. Writes to one connection still go out in the order they were started.
    /// </summary>
    public void Deliver(EdgeEvent evt)
    {
        if (!RealtimeTracing.IsOn)
        {
            Start(evt, activity: null);
            return;
        }

        // The delivery span is current while the sends start, so that they see it, and ends when
        // the last of them has; whatever was current before is current again for the caller.
        var outer = Activity.Current;
        try
        {
            Start(evt, RealtimeTracing.StartDelivery(evt, edge.EdgeId));
        }
        finally
        {
            Activity.Current = outer;
        }
    }

    private void Start(EdgeEvent evt, Activity? activity)
    {
        Task delivery;
        try
        {
            delivery = DispatchAsync(evt);
        }
        catch (Exception ex)
        {
            DispatchFailed(ex, evt, activity);
            return;
        }

        if (delivery.IsCompletedSuccessfully)
        {
            metrics.EventDispatched(evt);
            activity?.Dispose();
        }
        else
        {
            _ = ObserveAsync(delivery, evt, activity);
        }
    }

    public Task DispatchAsync(EdgeEvent evt, CancellationToken cancellationToken = default)
    {
        var sends = new List<Task>(_senders.Length * evt.Deliveries.Count);
        foreach (var delivery in evt.Deliveries)
        {
            foreach (var sender in _senders)
            {
                if ((evt.Hubs & sender.Hub) != 0)
                {
                    sends.Add(SendCountedAsync(sender, delivery, evt.EventName, cancellationToken));
                }
            }
        }

        return Task.WhenAll(sends);
    }

    private async Task SendCountedAsync(IHubEventSender sender, EdgeDelivery delivery, string eventName, CancellationToken cancellationToken)
    {
        await sender.SendAsync(delivery.Audience, eventName, delivery.Payload, cancellationToken);
        metrics.MessageDelivered(sender.Hub);
    }

    private async Task ObserveAsync(Task delivery, EdgeEvent evt, Activity? activity)
    {
        try
        {
            await delivery;
            metrics.EventDispatched(evt);
            activity?.Dispose();
        }
        catch (Exception ex)
        {
            // One failed delivery must not stop the stream for every other event.
            DispatchFailed(ex, evt, activity);
        }
    }

    private void DispatchFailed(Exception ex, EdgeEvent evt, Activity? activity)
    {
        RealtimeTracing.Failed(activity, ex);
        activity?.Dispose();
        metrics.DispatchFailed(evt.EventName);
        LogDispatchFailed(ex, evt.EventName, evt.Deliveries.Count);
    }

    [LoggerMessage(1, LogLevel.Error, "Delivering {EventName} to {DeliveryCount} audiences failed")]
    private partial void LogDispatchFailed(Exception ex, string eventName, int deliveryCount);
}
