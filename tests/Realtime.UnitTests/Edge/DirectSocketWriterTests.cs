using Realtime.EdgeGateway.Delivery;

namespace Realtime.UnitTests.Edge;

/// <summary>
/// The shared socket stream: broadcast frames never overtake the handshake, never split a
/// fragmented message of the connection's own WebSocket, keep their order, and are bounded.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class DirectSocketWriterTests
{
    private static readonly byte[] Handshake = WebSocketFrame.Build(WebSocketFrame.TextOpcode, "{}\u001e"u8);

    [Fact]
    public async Task Broadcast_frames_wait_for_the_handshake_then_go_in_the_order_sent()
    {
        var socket = new RecordingStream();
        var writer = new DirectSocketWriter(socket, maxPendingFrames: 10);

        Assert.True(writer.TrySend(Frame("a"), out var first));
        Assert.True(writer.TrySend(Frame("b"), out var second));
        Assert.Empty(socket.Writes);

        await writer.WriteAsync(Handshake);
        await Task.WhenAll(first, second);

        Assert.Equal(["{}\u001e", "a", "b"], socket.Payloads());
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public async Task A_fragmented_message_of_the_websocket_is_never_split_by_a_broadcast()
    {
        var socket = new RecordingStream();
        var writer = new DirectSocketWriter(socket, maxPendingFrames: 10);
        await writer.WriteAsync(Handshake);

        await writer.WriteAsync(new byte[] { WebSocketFrame.TextOpcode, 1, (byte)'x' });            // FIN clear: more follows
        Assert.True(writer.TrySend(Frame("broadcast"), out var broadcast));
        await writer.WriteAsync(new byte[] { 0x89, 0 });                                             // a ping may come in between
        Assert.False(broadcast.IsCompleted);
        await writer.WriteAsync(new byte[] { 0x80, 1, (byte)'y' });                                  // continuation with FIN
        await broadcast;

        Assert.Equal(["{}\u001e", "x", "", "y", "broadcast"], socket.Payloads());
    }

    [Fact]
    public void A_connection_that_does_not_keep_up_is_refused_more_frames()
    {
        var writer = new DirectSocketWriter(new RecordingStream(), maxPendingFrames: 2);

        Assert.True(writer.TrySend(Frame("1"), out _));
        Assert.True(writer.TrySend(Frame("2"), out _));
        Assert.False(writer.TrySend(Frame("3"), out _));
        Assert.Equal(2, writer.Pending);
    }

    [Fact]
    public async Task Frames_still_waiting_when_the_connection_closes_are_dropped()
    {
        var writer = new DirectSocketWriter(new RecordingStream(), maxPendingFrames: 10);
        Assert.True(writer.TrySend(Frame("never"), out var waiting));

        writer.Abandon();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, writer.Pending);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65_535, 4)]
    [InlineData(65_536, 10)]
    public void Frames_carry_the_length_in_the_shortest_form(int payloadLength, int headerLength)
    {
        var frame = WebSocketFrame.Build(WebSocketFrame.BinaryOpcode, new byte[payloadLength]);

        Assert.Equal(payloadLength + headerLength, frame.Length);
        Assert.Equal(0x82, frame[0]);
        Assert.Equal(payloadLength, RecordingStream.PayloadOf(frame).Length);
    }

    private static byte[] Frame(string text) => WebSocketFrame.Build(WebSocketFrame.TextOpcode, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Keeps every write as it came: one WebSocket frame each.</summary>
    private sealed class RecordingStream : Stream
    {
        public List<byte[]> Writes { get; } = [];

        public List<string> Payloads() => Writes.Select(w => System.Text.Encoding.UTF8.GetString(PayloadOf(w))).ToList();

        public static byte[] PayloadOf(byte[] frame)
        {
            var (offset, length) = (frame[1] & 0x7F) switch
            {
                126 => (4, (frame[2] << 8) | frame[3]),
                127 => (10, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(2))),
                var small => (2, small),
            };
            return frame.AsSpan(offset, length).ToArray();
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (Writes)
            {
                Writes.Add(buffer.ToArray());
            }

            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override void Flush()
        {
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
