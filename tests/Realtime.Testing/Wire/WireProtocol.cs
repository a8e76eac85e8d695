namespace Realtime.Testing.Wire;

/// <summary>The protocol a load client speaks: a SignalR hub protocol, or Socket.IO.</summary>
public enum WireProtocol
{
    Json,
    MessagePack,

    /// <summary>Socket.IO v5 over Engine.IO v4, WebSocket transport (SocketIoParser); only against the Socket.IO reference server.</summary>
    SocketIo,
}
