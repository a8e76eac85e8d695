namespace Realtime.Testing.Wire;

/// <summary>The SignalR hub protocol a load client speaks.</summary>
public enum WireProtocol
{
    Json,
    MessagePack,
}
