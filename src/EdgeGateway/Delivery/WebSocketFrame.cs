using System.Buffers.Binary;

namespace Realtime.EdgeGateway.Delivery;

/// <summary>
/// One complete, unmasked server-to-client WebSocket frame (RFC 6455 §5.2) holding a whole
/// message: built once per broadcast and protocol, then written as is to every socket.
/// </summary>
public static class WebSocketFrame
{
    public const byte TextOpcode = 0x1;
    public const byte BinaryOpcode = 0x2;
    private const byte Fin = 0x80;

    public static byte[] Build(byte opcode, ReadOnlySpan<byte> payload)
    {
        var headerLength = payload.Length switch
        {
            < 126 => 2,
            <= ushort.MaxValue => 4,
            _ => 10,
        };
        var frame = new byte[headerLength + payload.Length];
        frame[0] = (byte)(Fin | opcode);
        switch (headerLength)
        {
            case 2:
                frame[1] = (byte)payload.Length;
                break;
            case 4:
                frame[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                frame[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
                break;
        }

        payload.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    /// <summary>Whether a frame starting with <paramref name="firstByte"/> is a control frame (close, ping, pong), allowed inside a fragmented message.</summary>
    public static bool IsControl(byte firstByte) => (firstByte & 0x0F) >= 0x8;

    /// <summary>Whether a frame starting with <paramref name="firstByte"/> is the last of its message (FIN).</summary>
    public static bool IsFinal(byte firstByte) => (firstByte & Fin) != 0;
}
