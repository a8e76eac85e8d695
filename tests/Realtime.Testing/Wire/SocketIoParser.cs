using System.Text.Json;

namespace Realtime.Testing.Wire;

/// <summary>What one Engine.IO packet asks of a load client.</summary>
public enum SocketIoPacket
{
    /// <summary>Nothing to answer: an event (in the message), or something not measured.</summary>
    None,

    /// <summary>Engine.IO open (0{"sid",...}): connect to the main namespace (40).</summary>
    Open,

    /// <summary>Engine.IO ping (2): answer pong (3).</summary>
    Ping,
}

/// <summary>
/// Reads one Engine.IO v4 / Socket.IO v5 text packet (one whole WebSocket message) into the same
/// <see cref="HubMessage"/> the SignalR parsers fill, so that one receive loop accounts for all:
/// 40{"sid"} (namespace connected) is the ready event, 42["name",{seq,sentAt}] an invocation.
/// </summary>
public static class SocketIoParser
{
    /// <summary>Connects to the main namespace: Engine.IO message (4) carrying Socket.IO CONNECT (0).</summary>
    public static ReadOnlyMemory<byte> Connect { get; } = "40"u8.ToArray();

    public static ReadOnlyMemory<byte> Pong { get; } = "3"u8.ToArray();

    public static SocketIoPacket Parse(ReadOnlySpan<byte> packet, ref HubMessage message)
    {
        message.Reset();
        if (packet.IsEmpty)
        {
            return SocketIoPacket.None;
        }

        switch (packet[0])
        {
            case (byte)'0':
                return SocketIoPacket.Open;
            case (byte)'1':
                // Engine.IO close: as a SignalR close message, the receive loop ends with an error.
                message.Type = 7;
                message.CloseError = "Engine.IO close";
                return SocketIoPacket.None;
            case (byte)'2':
                return SocketIoPacket.Ping;
            case (byte)'4' when packet.Length >= 2:
                ParseSocketIo(packet[1..], ref message);
                return SocketIoPacket.None;
            default:
                return SocketIoPacket.None;
        }
    }

    /// <summary>A Socket.IO packet of the main namespace: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 4 CONNECT_ERROR.</summary>
    private static void ParseSocketIo(ReadOnlySpan<byte> packet, ref HubMessage message)
    {
        switch (packet[0])
        {
            case (byte)'0':
                message.Type = 1;
                message.Target = HubTarget.Connected;
                break;
            case (byte)'1' or (byte)'4':
                message.Type = 7;
                message.CloseError = $"Socket.IO {(packet[0] == '1' ? "disconnect" : "connect error")}: {System.Text.Encoding.UTF8.GetString(packet[1..])}";
                break;
            case (byte)'2':
                message.Type = 1;
                ReadEvent(packet[1..], ref message);
                break;
        }
    }

    /// <summary>["name", { seq, sentAt }]: the name classified as bytes, the payload read like a SignalR argument.</summary>
    private static void ReadEvent(ReadOnlySpan<byte> json, ref HubMessage message)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return;
        }

        message.Target = HubTargets.Classify(reader.ValueSpan);
        if (message.Target is not (HubTarget.Other or HubTarget.WarmupLoad) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            JsonHubParser.ReadObject(ref reader, ref message, online: null);
        }
    }
}
