using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>Sends cluster events to an audience on one hub of this edge.</summary>
public interface IHubEventSender
{
    RealtimeHubs Hub { get; }

    Task SendAsync(EventAudience audience, string eventName, object payload, CancellationToken cancellationToken);
}
