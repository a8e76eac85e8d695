namespace Realtime.Testing.Wire;

/// <summary>The few fixed byte sequences of the SignalR protocol a load client sends.</summary>
public static class SignalRFrames
{
    /// <summary>Ends every handshake message and every JSON hub message.</summary>
    public const byte RecordSeparator = 0x1E;

    public static ReadOnlyMemory<byte> Handshake(WireProtocol protocol) => protocol == WireProtocol.Json ? JsonHandshake : MessagePackHandshake;

    public static ReadOnlyMemory<byte> Ping(WireProtocol protocol) => protocol == WireProtocol.Json ? JsonPing : MessagePackPing;

    private static readonly byte[] JsonHandshake = [.. "{\"protocol\":\"json\",\"version\":1}"u8, RecordSeparator];

    private static readonly byte[] MessagePackHandshake = [.. "{\"protocol\":\"messagepack\",\"version\":1}"u8, RecordSeparator];

    private static readonly byte[] JsonPing = [.. "{\"type\":6}"u8, RecordSeparator];

    // Length prefix 2 (the body's bytes), then the one-element array [6]: fixarray 0x91, positive fixint 6.
    private static readonly byte[] MessagePackPing = [0x02, 0x91, 0x06];
}
