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
            await ReadSwitchingProtocolsAsync(stream, cancellationToken);

            // No WebSocket keep-alive timer per socket: SignalR pings (every 15 s) keep the connection alive.
            return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
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
    /// Reads the response head up to the blank line. The server sends nothing after the 101 until
    /// the client's SignalR handshake, so a chunked read cannot swallow WebSocket bytes; if it did, fail.
    /// </summary>
    private static async Task ReadSwitchingProtocolsAsync(NetworkStream stream, CancellationToken cancellationToken)
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

        if (head.AsSpan(0, length).IndexOf("\r\n\r\n"u8) != length - 4)
        {
            throw new IOException("Unexpected bytes after the upgrade response.");
        }
    }
}
