using System.Diagnostics;
using System.Net;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// A /realtime client that drops its connection and comes back with <c>recover=</c> (the reconnect
/// scenario), over JSON: a <see cref="LoadClient"/> (one WebSocket at a time, its receive loop and
/// counters over both connections) keeping the last <c>recoveryPosition</c> of the workspace's
/// broadcasts as a client of docs/protocol.md does. It keeps the ticks in arrival order over both
/// connections (the order is checked against a client that never dropped: the workspace's order,
/// which is not the publish order when publishes overlap), counts duplicates and times its own
/// recovery: from the start of its reconnect until it has every tick accepted before that start.
/// </summary>
public sealed class RecoveringClient : IReceiveHook, IAsyncDisposable
{
    /// <summary>Ticks kept in arrival order at most (a bound, far above a run's ticks).</summary>
    private const int MaxTicksKept = 1 << 20;

    private readonly LoadClient _connection;
    private readonly List<long> _arrivals = [];
    private int _arrivalsBeforeReconnect = -1;
    private long _owedThroughCatchUp;
    private long _receivedThroughCatchUp;
    private bool _reconnecting;
    private long _catchUpTo = -1;
    private long _reconnectStarted;
    private long _caughtUpAt;

    public RecoveringClient()
    {
        // No latencies: the others' are measured; a dropped client's are its recovery time.
        _connection = new LoadClient(WireProtocol.Json, HubTarget.Connected, latencies: null, online: null, hook: this);
    }

    /// <summary>The user it connects as, e.g. 12 for "u12".</summary>
    public required int User { get; init; }

    /// <summary>The last recoveryPosition received, on either connection.</summary>
    public string? LastPosition { get; private set; }

    /// <summary>The current connection's connected event arrived.</summary>
    public bool IsReady => _connection.IsReady;

    /// <summary>Distinct ticks received over both connections.</summary>
    public long Received => _connection.Received;

    public long Duplicates => _connection.Duplicates;

    /// <summary>Distinct ticks in arrival order, both connections (the first <see cref="ArrivalsBeforeReconnect"/> on the first).</summary>
    public IReadOnlyList<long> Arrivals => _arrivals;

    /// <summary>How many of <see cref="Arrivals"/> came before the reconnect (-1: it has not reconnected).</summary>
    public int ArrivalsBeforeReconnect => _arrivalsBeforeReconnect;

    public long Warmups => _connection.Warmups;

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

    public string? Error => _connection.Error;

    /// <summary>The tick the reconnect had to reach: the last of its workspace accepted before it started.</summary>
    public long CatchUpTo => _catchUpTo;

    public Task ConnectAsync(IPEndPoint server, IPAddress? source, string pathAndQuery, CancellationToken lifetime, CancellationToken connectTimeout) =>
        _connection.ConnectAsync(server, source, pathAndQuery, lifetime, connectTimeout);

    /// <summary>Aborts the socket from this side, as a lost network does, and waits for the receive loop to stop.</summary>
    public Task DropAsync() => _connection.DropAsync();

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
    public ValueTask SendPingAsync(CancellationToken cancellationToken) => _connection.SendPingAsync(cancellationToken);

    /// <summary>Closes politely within <paramref name="timeout"/>, else aborts.</summary>
    public Task CloseAsync(TimeSpan timeout) => _connection.CloseAsync(timeout);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>The position of connected, a tick or a warm-up (the rest, presence, is not followed); connected of the reconnect says whether it recovered.</summary>
    void IReceiveHook.OnInvocation(in HubMessage message)
    {
        if (message.Target is not (HubTarget.Connected or HubTarget.Tick or HubTarget.Warmup or HubTarget.WarmupLoad))
        {
            return;
        }

        if (message.RecoveryPosition is { } position)
        {
            LastPosition = position;
        }

        if (message.Target == HubTarget.Connected && _reconnecting)
        {
            Recovered = message.Recovered;
            if (_receivedThroughCatchUp >= _owedThroughCatchUp)
            {
                // Nothing was broadcast while away: recovered once the connection is back.
                Volatile.Write(ref _caughtUpAt, Stopwatch.GetTimestamp());
            }
        }
    }

    /// <summary>A tick first received: kept in arrival order, and counted toward the catch-up if the reconnect was owed it.</summary>
    void IReceiveHook.OnFirstArrival(in HubMessage message)
    {
        var seq = message.Seq;
        if (_arrivals.Count < MaxTicksKept)
        {
            _arrivals.Add(seq);
        }

        if (_reconnecting && seq <= _catchUpTo)
        {
            Replayed++;
            if (++_receivedThroughCatchUp == _owedThroughCatchUp)
            {
                Volatile.Write(ref _caughtUpAt, Stopwatch.GetTimestamp());
            }
        }
    }
}
