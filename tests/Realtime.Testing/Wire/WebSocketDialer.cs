using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Realtime.Testing.Wire;

/// <summary>
/// Opens a WebSocket with a hand-written HTTP/1.1 upgrade over a plain socket: no HttpClient,
/// handler or connection pool per client, and an optional 127.0.0.x source address. ASP.NET
/// Core SignalR takes a direct WebSocket without /negotiate.
/// </summary>
public static class WebSocketDialer
{
    private const int MaxResponseHeaderBytes = 2048;

    public static async Task<WebSocket> ConnectAsync(IPEndPoint server, IPAddress? source, string pathAndQuery, CancellationToken cancellationToken)
    {
        if (!LoopbackEndpoint.IsLoopbackV4(server.Address))
        {
            throw new ArgumentException($"Refusing {server}: loopback only.", nameof(server));
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        NetworkStream? stream = null;
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(server, cancellationToken);
            stream = new NetworkStream(socket, ownsSocket: true);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
            var early = await ReadSwitchingProtocolsAsync(stream, cancellationToken);

            // No WebSocket keep-alive timer per socket: SignalR pings (every 15 s) keep the connection alive.
            return WebSocket.CreateFromStream(
                early.Length == 0 ? stream : new PrefixedStream(early, stream),
                new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Reads the response head up to the blank line and gives back any WebSocket bytes read with it.
    /// A SignalR server sends nothing after the 101 until the client's handshake, so there are none;
    /// a Socket.IO server sends its open packet at once, which the same read may take.
    /// </summary>
    private static async Task<byte[]> ReadSwitchingProtocolsAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new byte[MaxResponseHeaderBytes];
        var length = 0;
        while (head.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
        {
            if (length == head.Length)
            {
                throw new IOException("Upgrade response head too large.");
            }

            var read = await stream.ReadAsync(head.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                throw new IOException("Connection closed during the WebSocket upgrade.");
            }

            length += read;
        }

        if (!head.AsSpan(0, length).StartsWith("HTTP/1.1 101"u8))
        {
            var statusLine = Encoding.ASCII.GetString(head, 0, Math.Min(length, head.AsSpan(0, length).IndexOf("\r\n"u8)));
            throw new UpgradeRefusedException(statusLine);
        }

        return head.AsSpan(0, length)[(head.AsSpan(0, length).IndexOf("\r\n\r\n"u8) + 4)..].ToArray();
    }

    /// <summary>A stream that reads <paramref name="prefix"/> first, then <paramref name="inner"/>; writes go to inner.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_offset < prefix.Length)
            {
                return TakePrefix(buffer);
            }

            return inner.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _offset < prefix.Length ? ValueTask.FromResult(TakePrefix(buffer.Span)) : inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        private int TakePrefix(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, prefix.Length - _offset);
            prefix.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }
    }
}
