using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>Delivers events from the cluster to the local sockets of each audience, on each hub the event names.</summary>
public sealed class EdgeEventDispatcher(IEnumerable<IHubEventSender> senders, EdgeMetrics metrics)
{
    private readonly IHubEventSender[] _senders = [.. senders];

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
}
