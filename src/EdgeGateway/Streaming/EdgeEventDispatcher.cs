using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>Delivers one event from the cluster to the local sockets of its audience, on each hub it names.</summary>
public sealed class EdgeEventDispatcher(IEnumerable<IHubEventSender> senders)
{
    private readonly IHubEventSender[] _senders = [.. senders];

    public Task DispatchAsync(EdgeEvent evt, CancellationToken cancellationToken = default)
    {
        var group = EdgeGroups.For(evt.Audience);
        var sends = new List<Task>(_senders.Length);
        foreach (var sender in _senders)
        {
            if ((evt.Hubs & sender.Hub) != 0)
            {
                sends.Add(sender.SendToGroupAsync(group, evt.EventName, evt.Payload, cancellationToken));
            }
        }

        return Task.WhenAll(sends);
    }
}
