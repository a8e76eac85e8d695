using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>Delivers events from the cluster to the local sockets of each audience, on each hub the event names.</summary>
public sealed partial class EdgeEventDispatcher(IEnumerable<IHubEventSender> senders, EdgeMetrics metrics, ILogger<EdgeEventDispatcher> logger)
{
    private readonly IHubEventSender[] _senders = [.. senders];

    /// <summary>
    /// Starts the delivery of an event to every local socket and returns without waiting for the
    /// writes to finish: a stuck client's socket must not hold up the stream, and so everyone else
    /// on this edge. Writes to one connection still go out in the order they were started.
    /// </summary>
    public void Deliver(EdgeEvent evt)
    {
        Task delivery;
        try
        {
            delivery = DispatchAsync(evt);
        }
        catch (Exception ex)
        {
            DispatchFailed(ex, evt);
            return;
        }

        if (delivery.IsCompletedSuccessfully)
        {
            metrics.EventDispatched(evt);
        }
        else
        {
            _ = ObserveAsync(delivery, evt);
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

    [LoggerMessage(1, LogLevel.Error, "Delivering {EventName} to {DeliveryCount} audiences failed")]
    private partial void LogDispatchFailed(Exception ex, string eventName, int deliveryCount);
}
