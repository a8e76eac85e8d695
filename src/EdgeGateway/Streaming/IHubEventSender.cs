using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>Sends cluster events to a group on one hub of this edge.</summary>
public interface IHubEventSender
{
    RealtimeHubs Hub { get; }

    Task SendToGroupAsync(string group, string? exceptConnectionId, string eventName, object payload, CancellationToken cancellationToken);
}
