using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// A /realtime client that drops its connection and comes back with <c>recover=</c> (the reconnect
/// scenario), over JSON: one WebSocket at a time, one receive loop, keeping the last
/// <c>recoveryPosition</c> of the workspace's broadcasts as a client of docs/protocol.md does. It
/// keeps the ticks in arrival order over both connections (the order is checked against a client
/// that never dropped: the workspace's order, which is not the publish order when publishes overlap),
/// counts duplicates and times its own recovery: from the start of its reconnect until it has every
/// tick accepted before that start.
/// </summary>
public sealed class RecoveringClient : IAsyncDisposable
{
    private const int InitialBuffer = 4096;
    private const int MaxBuffer = 4 * 1024 * 1024;
    private const string PositionProperty = "recoveryPosition";

    /// <summary>Ticks kept in arrival order at most (a bound, far above a run's ticks).</summary>
    private const int MaxTicksKept = 1 << 20;

    private readonly Metrics.SeqSet _seqs = new();
    private readonly List<long> _arrivals = [];
    private WebSocket? _socket;
    private Task _receiving = Task.CompletedTask;
    private byte[] _buffer = [];
    private int _filled;
    private bool _handshakeDone;
    private int _ready;
    private long _received;
    private long _warmups;
    private int _arrivalsBeforeReconnect = -1;
    private long _owedThroughCatchUp;
    private long _receivedThroughCatchUp;
    private bool _reconnecting;
    private long _catchUpTo = -1;
    private long _reconnectStarted;
    private long _caughtUpAt;
    private int _aborting;

    /// <summary>The user it connects as, e.g. 12 for "u12".</summary>
    public required int User { get; init; }

    /// <summary>The last recoveryPosition received, on either connection.</summary>
    public string? LastPosition { get; private set; }

    /// <summary>The current connection's connected event arrived.</summary>
    public bool IsReady => Volatile.Read(ref _ready) == 1;

    /// <summary>Distinct ticks received over both connections.</summary>
    public long Received => Volatile.Read(ref _received);

    public long Duplicates { get; private set; }

    /// <summary>Distinct ticks in arrival order, both connections (the first <see cref="ArrivalsBeforeReconnect"/> on the first).</summary>
    public IReadOnlyList<long> Arrivals => _arrivals;

    /// <summary>How many of <see cref="Arrivals"/> came before the reconnect (-1: it has not reconnected).</summary>
    public int ArrivalsBeforeReconnect => _arrivalsBeforeReconnect;

    public long Warmups => Volatile.Read(ref _warmups);

    /// <summary>The connected event of the reconnect said recovered: true.</summary>
    public bool Recovered { get; private set; }

    /// <summary>Ticks received after the reconnect that had been accepted before it started: the replay of what was missed.</summary>
    public long Replayed { get; private set; }

    /// <summary>From the start of the reconnect until the catch-up tick (or connected, if nothing was missed); null until then.</summary>
    public TimeSpan? RecoveryTime
    {
        get
        {
            var at = Volatile.Read(ref _caughtUpAt);
            return at == 0 ? null : Stopwatch.GetElapsedTime(_reconnectStarted, at);
        }
    }

    public string? Error { get; private set; }

    /// <summary>The tick the reconnect had to reach: the last of its workspace accepted before it started.</summary>
    public long CatchUpTo => _catchUpTo;

    public async Task ConnectAsync(IPEndPoint server, IPAddress? source, string pathAndQuery, CancellationToken lifetime, CancellationToken connectTimeout)
    {
        var socket = await WebSocketDialer.ConnectAsync(server, source, pathAndQuery, connectTimeout);
        await socket.SendAsync(SignalRFrames.Handshake(WireProtocol.Json), WebSocketMessageType.Text, endOfMessage: true, connectTimeout);
        _filled = 0;
        _handshakeDone = false;
        Volatile.Write(ref _ready, 0);
        Volatile.Write(ref _aborting, 0);
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
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

    /// <summary>
    /// Starts the reconnect clock, then connects again with <c>recover=</c> the last position
    /// (the caller appends it). <paramref name="catchUpTo"/>: the last tick of this client's
    /// workspace accepted before now; <paramref name="owed"/>: how many of its workspace's ticks
    /// up to there it is owed, all of which recovery has to bring.
    /// </summary>
    public Task ReconnectAsync(IPEndPoint server, IPAddress? source, string pathAndQuery, long catchUpTo, long owed, CancellationToken lifetime, CancellationToken connectTimeout)
    {
        _reconnectStarted = Stopwatch.GetTimestamp();
        _catchUpTo = catchUpTo;
        _owedThroughCatchUp = owed;
        _receivedThroughCatchUp = _arrivals.Count(seq => seq <= catchUpTo);
        _arrivalsBeforeReconnect = _arrivals.Count;
        _reconnecting = true;
        return ConnectAsync(server, source, pathAndQuery, lifetime, connectTimeout);
    }

    /// <summary>A SignalR ping on the current connection, if open.</summary>
    public ValueTask SendPingAsync(CancellationToken cancellationToken) =>
        _socket is { State: WebSocketState.Open } socket
            ? socket.SendAsync(SignalRFrames.Ping(WireProtocol.Json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken)
            : ValueTask.CompletedTask;

    /// <summary>Closes politely within <paramref name="timeout"/>, else aborts.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (_socket is not { } socket)
        {
            return;
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }

            await _receiving.WaitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            Volatile.Write(ref _aborting, 1);
            socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _aborting, 1);
        _socket?.Abort();
        await _receiving;
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
        catch (Exception ex) when (ex is WebSocketException or IOException or InvalidDataException or JsonException or InvalidOperationException or ObjectDisposedException)
        {
            // Aborted on purpose (the drop, or the end of the run) is no error.
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

    private int ProcessBuffered()
    {
        var offset = 0;
        while (offset < _filled)
        {
            var pending = _buffer.AsSpan(offset, _filled - offset);
            var end = pending.IndexOf(SignalRFrames.RecordSeparator);
            if (end < 0)
            {
                break;
            }

            if (!_handshakeDone)
            {
                if (!pending[..end].SequenceEqual("{}"u8))
                {
                    throw new InvalidDataException($"Handshake refused: {Encoding.UTF8.GetString(pending[..end])}");
                }

                _handshakeDone = true;
            }
            else
            {
                Handle(pending[..end]);
            }

            offset += end + 1;
        }

        return offset;
    }

    /// <summary>One JSON hub message: a close, connected, a tick or a warm-up; the rest (presence, pings) is skipped.</summary>
    private void Handle(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var type = 0;
        string? target = null;
        string? closeError = null;
        var argumentsStart = -1;
        var argumentsEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                target = reader.ValueTextEquals("bench:tick"u8) ? HubTargets.TickEvent
                    : reader.ValueTextEquals("bench:warmup"u8) ? HubTargets.WarmupEvent
                    : reader.ValueTextEquals("bench:warmup-load"u8) ? HubTargets.WarmupLoadEvent
                    : reader.ValueTextEquals("connected"u8) ? "connected"
                    : null;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                closeError = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                argumentsStart = (int)reader.TokenStartIndex;
                reader.Skip();
                argumentsEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (type == 7)
        {
            throw new InvalidDataException($"The server closed the hub connection: {closeError ?? "no error given"}.");
        }

        if (type != 1 || target is null || argumentsStart < 0)
        {
            return;
        }

        var (seq, position, recovered) = ReadFirstArgument(record[argumentsStart..argumentsEnd]);
        if (position is not null)
        {
            LastPosition = position;
        }

        switch (target)
        {
            case "connected":
                Volatile.Write(ref _ready, 1);
                if (_reconnecting)
                {
                    Recovered = recovered;
                    if (_receivedThroughCatchUp >= _owedThroughCatchUp)
                    {
                        // Nothing was broadcast while away: recovered once the connection is back.
                        Volatile.Write(ref _caughtUpAt, Stopwatch.GetTimestamp());
                    }
                }

                break;
            case HubTargets.WarmupEvent:
                Volatile.Write(ref _warmups, _warmups + 1);
                break;
            case HubTargets.TickEvent when seq >= 0:
                Tick(seq);
                break;
        }
    }

    private void Tick(long seq)
    {
        if (!_seqs.Add(seq))
        {
            Duplicates++;
            return;
        }

        if (_arrivals.Count < MaxTicksKept)
        {
            _arrivals.Add(seq);
        }

        Volatile.Write(ref _received, _received + 1);
        if (_reconnecting && seq <= _catchUpTo)
        {
            Replayed++;
            if (++_receivedThroughCatchUp == _owedThroughCatchUp)
            {
                Volatile.Write(ref _caughtUpAt, Stopwatch.GetTimestamp());
            }
        }
    }

    private static (long Seq, string? Position, bool Recovered) ReadFirstArgument(ReadOnlySpan<byte> arguments)
    {
        var reader = new Utf8JsonReader(arguments);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (-1, null, false);
        }

        var seq = -1L;
        string? position = null;
        var recovered = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                seq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals(PositionProperty))
            {
                reader.Read();
                position = reader.GetString();
            }
            else if (reader.ValueTextEquals("recovered"u8))
            {
                reader.Read();
                recovered = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (seq, position, recovered);
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
