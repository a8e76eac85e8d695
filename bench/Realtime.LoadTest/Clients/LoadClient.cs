using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Realtime.LoadTest.Metrics;
using Realtime.Testing.Metrics;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// One simulated user: a WebSocket speaking the SignalR protocol (or Socket.IO, against the
/// Socket.IO reference), with one receive loop over a pooled buffer and per-client counters.
/// No HubConnection, no Task or string per message. It may drop its connection and connect again
/// (the counters and the seqs seen go on over both); an <see cref="IReceiveHook"/> keeps what else
/// a client needs.
/// </summary>
public sealed class LoadClient : IAsyncDisposable
{
    private const int InitialBuffer = 4096;
    private const int MaxBuffer = 4 * 1024 * 1024;

    private readonly WireProtocol _protocol;
    private readonly HubTarget _readyOn;
    private readonly LatencyHistogram? _latencies;
    private readonly OnlineUsers? _online;
    private readonly IReceiveHook? _hook;
    private readonly SeqSet _seqs = new();
    private WebSocket? _socket;
    private Task _receiving = Task.CompletedTask;
    private byte[] _buffer = [];
    private int _filled;
    private bool _handshakeDone;
    private int _ready;
    private long _received;
    private long _duplicates;
    private long _warmups;
    private int _summaryOnline = -1;
    private int _aborting;

    /// <summary>A client; <paramref name="latencies"/> null: first arrivals' latencies not recorded.</summary>
    public LoadClient(WireProtocol protocol, HubTarget readyOn, LatencyHistogram? latencies, OnlineUsers? online, IReceiveHook? hook = null)
    {
        _protocol = protocol;
        _readyOn = readyOn;
        _latencies = latencies;
        _online = online;
        _hook = hook;
    }

    /// <summary>The hub's ready event (connected, notification:unread) arrived on the current connection.</summary>
    public bool IsReady => Volatile.Read(ref _ready) == 1;

    /// <summary>Distinct ticks or notifications received.</summary>
    public long Received => Volatile.Read(ref _received);

    public long Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Warm-up broadcasts received (not measured).</summary>
    public long Warmups => Volatile.Read(ref _warmups);

    public long PresenceMessages { get; private set; }

    public long PresenceBytes { get; private set; }

    /// <summary>Online users as this client sees them: the latest summary, or its own list.</summary>
    public int Online => Math.Max(Volatile.Read(ref _summaryOnline), _online?.Count ?? 0);

    public string? Error { get; private set; }

    public bool Closed => _receiving.IsCompleted;

    /// <summary>Opens the socket, upgrades, sends the handshake and starts the receive loop (again, after <see cref="DropAsync"/>).</summary>
    public async Task ConnectAsync(IPEndPoint server, IPAddress? source, string pathAndQuery, CancellationToken lifetime, CancellationToken connectTimeout)
    {
        var socket = await WebSocketDialer.ConnectAsync(server, source, pathAndQuery, connectTimeout);
        try
        {
            if (_protocol != WireProtocol.SocketIo)
            {
                await socket.SendAsync(SignalRFrames.Handshake(_protocol), WebSocketMessageType.Text, endOfMessage: true, connectTimeout);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _filled = 0;
        _handshakeDone = false;
        Volatile.Write(ref _ready, 0);
        Volatile.Write(ref _aborting, 0);
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        // Published after the handshake: pings (another thread) go only to a socket that has had it.
        _socket = socket;
        _receiving = ReceiveLoopAsync(socket, lifetime);
    }

    /// <summary>Aborts the socket from this side, as a lost network does, and waits for the receive loop to stop.</summary>
    public async Task DropAsync()
    {
        Volatile.Write(ref _aborting, 1);
        _socket?.Abort();
        await _receiving;
        _socket?.Dispose();
        _socket = null;
    }

    /// <summary>A SignalR ping; none for Socket.IO, whose server pings and the receive loop answers.</summary>
    public ValueTask SendPingAsync(CancellationToken cancellationToken) =>
        _socket is { State: WebSocketState.Open } socket && _protocol != WireProtocol.SocketIo
            ? socket.SendAsync(SignalRFrames.Ping(_protocol), _protocol == WireProtocol.Json ? WebSocketMessageType.Text : WebSocketMessageType.Binary, endOfMessage: true, cancellationToken)
            : ValueTask.CompletedTask;

    /// <summary>Closes the WebSocket politely (bounded by <paramref name="timeout"/>), then waits for the receive loop.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (_socket is null)
        {
            return;
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }

            await _receiving.WaitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            Volatile.Write(ref _aborting, 1);
            _socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _aborting, 1);
        _socket?.Abort();
        try
        {
            await _receiving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The loop ends with the socket; its error, if any, is in Error.
        }

        _socket?.Dispose();
    }

    private async Task ReceiveLoopAsync(WebSocket socket, CancellationToken lifetime)
    {
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                if (_filled == _buffer.Length)
                {
                    Grow();
                }

                var result = await socket.ReceiveAsync(_buffer.AsMemory(_filled), lifetime);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                _filled += result.Count;
                if (_protocol == WireProtocol.SocketIo)
                {
                    // An Engine.IO packet is one whole WebSocket message: no separator to look for.
                    if (result.EndOfMessage)
                    {
                        await ProcessSocketIoAsync(socket, lifetime);
                    }

                    continue;
                }

                var consumed = ProcessBuffered();
                if (consumed > 0)
                {
                    Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _filled - consumed);
                    _filled -= consumed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or InvalidDataException or System.Text.Json.JsonException or InvalidOperationException or MessagePack.MessagePackSerializationException or ObjectDisposedException)
        {
            // Aborted on purpose (a drop, the end of the run) is no error.
            if (Volatile.Read(ref _aborting) == 0)
            {
                Error ??= ex.Message;
            }
        }
        finally
        {
            var buffer = _buffer;
            _buffer = [];
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Handles the one Engine.IO packet in the buffer, answering the open and the pings from this loop.</summary>
    private async ValueTask ProcessSocketIoAsync(WebSocket socket, CancellationToken lifetime)
    {
        var message = default(HubMessage);
        var bytes = _filled;
        var packet = SocketIoParser.Parse(_buffer.AsSpan(0, bytes), ref message);
        _filled = 0;
        Handle(ref message, bytes);
        var reply = packet switch
        {
            SocketIoPacket.Open => SocketIoParser.Connect,
            SocketIoPacket.Ping => SocketIoParser.Pong,
            _ => ReadOnlyMemory<byte>.Empty,
        };
        // Not once this side has started closing: a pong then would only fail.
        if (!reply.IsEmpty && socket.State == WebSocketState.Open)
        {
            await socket.SendAsync(reply, WebSocketMessageType.Text, endOfMessage: true, lifetime);
        }
    }

    /// <summary>Handles every complete message in the buffer and returns how many bytes they took.</summary>
    private int ProcessBuffered()
    {
        var offset = 0;
        var message = default(HubMessage);
        while (offset < _filled)
        {
            var pending = _buffer.AsSpan(offset, _filled - offset);
            if (!_handshakeDone || _protocol == WireProtocol.Json)
            {
                var end = pending.IndexOf(SignalRFrames.RecordSeparator);
                if (end < 0)
                {
                    break;
                }

                if (!_handshakeDone)
                {
                    CheckHandshake(pending[..end]);
                }
                else
                {
                    JsonHubParser.Parse(pending[..end], ref message, _online, recovery: _hook is not null);
                    Handle(ref message, end + 1);
                }

                offset += end + 1;
            }
            else
            {
                if (!MessagePackHubParser.TryFrame(pending, out var bodyStart, out var bodyLength))
                {
                    break;
                }

                MessagePackHubParser.Parse(_buffer.AsMemory(offset + bodyStart, bodyLength), ref message, _online);
                Handle(ref message, bodyStart + bodyLength);
                offset += bodyStart + bodyLength;
            }
        }

        return offset;
    }

    private void CheckHandshake(ReadOnlySpan<byte> response)
    {
        if (!response.SequenceEqual("{}"u8))
        {
            throw new InvalidDataException($"Handshake refused: {System.Text.Encoding.UTF8.GetString(response)}");
        }

        _handshakeDone = true;
    }

    private void Handle(ref HubMessage message, int bytes)
    {
        if (message.Type == 7)
        {
            throw new InvalidDataException($"The server closed the hub connection: {message.CloseError ?? "no error given"}.");
        }

        if (message.Type != 1)
        {
            return;
        }

        _hook?.OnInvocation(in message);
        if (message.Target == _readyOn)
        {
            Volatile.Write(ref _ready, 1);
        }

        switch (message.Target)
        {
            case HubTarget.Tick or HubTarget.Notification when message.Seq >= 0:
                if (_seqs.Add(message.Seq))
                {
                    _hook?.OnFirstArrival(in message);
                    _latencies?.Record(WallClock.NowMicros() - message.SentAtMicros);
                    Volatile.Write(ref _received, _received + 1);
                }
                else
                {
                    Volatile.Write(ref _duplicates, _duplicates + 1);
                }

                break;
            case HubTarget.Warmup:
                Volatile.Write(ref _warmups, _warmups + 1);
                break;
            case var presence when presence.IsPresence():
                PresenceMessages++;
                PresenceBytes += bytes;
                if (message.Online >= 0)
                {
                    Volatile.Write(ref _summaryOnline, message.Online);
                }

                break;
        }
    }

    private void Grow()
    {
        if (_buffer.Length >= MaxBuffer)
        {
            throw new InvalidDataException($"A hub message larger than {MaxBuffer} bytes.");
        }

        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        Buffer.BlockCopy(_buffer, 0, larger, 0, _filled);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
