using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Realtime.LoadTest.Metrics;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Soak;

public enum SoakHub
{
    Realtime,
    Presence,
    Notifications,
}

/// <summary>One simulated user of a workspace; their clients (hubs, tabs) live on the same edge, as behind a load balancer.</summary>
public sealed class SoakUser(int number, int workspace, string workspaceId, string token)
{
    public int Number { get; } = number;

    public string Id { get; } = $"u{number}";

    public int Workspace { get; } = workspace;

    public string WorkspaceId { get; } = workspaceId;

    public string Token { get; } = token;

    public List<SoakClient> Clients { get; } = [];

    /// <summary>The user closed the app (churn, or gave up when their edge died).</summary>
    public bool Away { get; set; }
}

/// <summary>One connection's life: from its <c>connected</c> event to its end (0: still open). Wall clock, Unix microseconds.</summary>
public sealed class ConnectionSpan(int edge, long connectedAt)
{
    public int Edge { get; } = edge;

    public long ConnectedAt { get; } = connectedAt;

    /// <summary>/notifications: when notification:unread came (the connection is live); 0 before.</summary>
    public long LiveAt { get; set; }

    public long EndedAt { get; set; }

    public bool Open => EndedAt == 0;

    public bool Covers(long from, long to) => ConnectedAt < from && (EndedAt == 0 || EndedAt > to);
}

/// <summary>
/// One client as an app runs it: a raw WebSocket speaking SignalR JSON to one hub, which reconnects
/// on loss (to the other edge first, with backoff), passes <c>lastNotificationId</c> on /notifications,
/// keeps a presence view (presence:get after each connect, then the updates) on /realtime and /presence,
/// and records every broadcast and notification it receives with the time, duplicates included.
/// </summary>
public sealed class SoakClient(int index, SoakUser user, SoakHub hub, IReadOnlyList<IPEndPoint> edges)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PresenceGetRetry = TimeSpan.FromSeconds(1);

    /// <summary>A connection whose presence sync was lost is enrolled by the edge after 30 s (WorkspaceHub.PresenceSyncGrace).</summary>
    private static readonly TimeSpan EnrolmentFallback = TimeSpan.FromSeconds(32);

    private const int InitialBuffer = 4096;
    private const int MaxBuffer = 8 * 1024 * 1024;
    private const int MaxPresenceGetAttempts = 30;
    private const int PresencePageLimit = 1000;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly List<ConnectionSpan> _spans = [];
    private readonly Dictionary<long, long> _ticks = [];
    private readonly List<long> _duplicateTicks = [];
    private readonly Dictionary<string, long> _notifications = new(StringComparer.Ordinal);
    private readonly List<string> _duplicateNotifications = [];
    private readonly HashSet<string> _view = new(StringComparer.Ordinal);
    private readonly List<(string UserId, bool Active)> _buffered = [];
    private WebSocket? _socket;
    private ConnectionSpan? _current;
    private int _generation;
    private PresenceState _presence;
    private int _getAttempts;
    private bool _snapshotStarted;
    private int _edge = -1;
    private volatile bool _wantOnline = true;

    private enum PresenceState
    {
        None,
        AwaitingEnrolment,
        Getting,
        Loaded,
    }

    public int Index { get; } = index;

    public SoakUser User { get; } = user;

    public SoakHub Hub { get; } = hub;

    public bool WantOnline => _wantOnline;

    /// <summary>Connected (its connected event came) and not yet closed.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _current is { Open: true };
            }
        }
    }

    /// <summary>Open on edge <paramref name="edge"/>.</summary>
    public bool IsOpenOn(int edge)
    {
        lock (_gate)
        {
            return _current is { Open: true } span && span.Edge == edge;
        }
    }

    /// <summary>Open, and (/realtime, /presence) its presence view loaded since it connected; /notifications: live.</summary>
    public bool IsSettled
    {
        get
        {
            lock (_gate)
            {
                return _current is { Open: true } span && (Hub == SoakHub.Notifications ? span.LiveAt > 0 : _presence == PresenceState.Loaded);
            }
        }
    }

    public int Reconnects { get; private set; }

    /// <summary>Whether it was open when the run ended (taken before the clients are stopped).</summary>
    public bool OpenAtEnd { get; private set; }

    public void RecordEnd() => OpenAtEnd = IsOpen;

    public string? LastNotificationId { get; private set; }

    public string? LastError { get; private set; }

    public long FirstConnectedAt
    {
        get
        {
            lock (_gate)
            {
                return _spans.Count > 0 ? _spans[0].ConnectedAt : 0;
            }
        }
    }

    public List<ConnectionSpan> Spans()
    {
        lock (_gate)
        {
            return [.. _spans];
        }
    }

    public Dictionary<long, long> Ticks()
    {
        lock (_gate)
        {
            return new Dictionary<long, long>(_ticks);
        }
    }

    public List<long> DuplicateTicks()
    {
        lock (_gate)
        {
            return [.. _duplicateTicks];
        }
    }

    public Dictionary<string, long> Notifications()
    {
        lock (_gate)
        {
            return new Dictionary<string, long>(_notifications, StringComparer.Ordinal);
        }
    }

    public List<string> DuplicateNotifications()
    {
        lock (_gate)
        {
            return [.. _duplicateNotifications];
        }
    }

    public int NotificationCount
    {
        get
        {
            lock (_gate)
            {
                return _notifications.Count;
            }
        }
    }

    /// <summary>The users this client sees online or away, or null while it has no loaded view.</summary>
    public HashSet<string>? View()
    {
        lock (_gate)
        {
            return _current is { Open: true } && _presence == PresenceState.Loaded ? new HashSet<string>(_view, StringComparer.Ordinal) : null;
        }
    }

    /// <summary>Connects (first to <paramref name="edge"/>) and keeps connecting until <paramref name="stop"/>: the app's life.</summary>
    public async Task RunAsync(int edge, CancellationToken stop)
    {
        _edge = edge;
        var failures = 0;
        var random = new Random(Index);
        while (!stop.IsCancellationRequested)
        {
            if (!_wantOnline)
            {
                try
                {
                    await _wake.WaitAsync(stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var wasConnected = await ConnectAndReceiveAsync(_edge, stop);
            if (stop.IsCancellationRequested || !_wantOnline)
            {
                continue;
            }

            // The edge that dropped or refused us is probably down: the other one first, as a load balancer would.
            _edge = (_edge + 1) % edges.Count;
            if (wasConnected)
            {
                failures = 0;
                Reconnects++;
            }
            else
            {
                failures++;
            }

            var backoff = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 6))) * (0.8 + (0.4 * random.NextDouble())));
            try
            {
                await Task.Delay(backoff, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The user closes the app: a clean close, no reconnect until <see cref="Return"/>.</summary>
    public Task LeaveAsync()
    {
        _wantOnline = false;
        return CloseAsync();
    }

    /// <summary>The user's connection dies with its edge and the user does not come back (their machine went away).</summary>
    public void GiveUp() => _wantOnline = false;

    /// <summary>The user opens the app again, through the load balancer to <paramref name="edge"/>.</summary>
    public void Return(int edge)
    {
        _edge = edge;
        _wantOnline = true;
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    public Task SendPingAsync() => SendAsync(SignalRFrames.Ping(WireProtocol.Json));

    /// <summary>A fire-and-forget hub call (page:navigate, presence:status) if connected.</summary>
    public Task InvokeAsync(string target, object argument) => SendAsync(SoakWire.Invocation(target, argument));

    public async Task CloseAsync()
    {
        WebSocket? socket;
        lock (_gate)
        {
            socket = _socket;
        }

        if (socket is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        await _sendLock.WaitAsync(CancellationToken.None);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> frame)
    {
        WebSocket? socket;
        lock (_gate)
        {
            socket = _current is { Open: true } ? _socket : null;
        }

        if (socket is null)
        {
            return;
        }

        await _sendLock.WaitAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The receive loop sees the connection end and reconnects.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>One connection, from dial to its end; true if it got as far as its connected event.</summary>
    private async Task<bool> ConnectAndReceiveAsync(int edge, CancellationToken stop)
    {
        WebSocket socket;
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            connectTimeout.CancelAfter(ConnectTimeout);
            try
            {
                socket = await WebSocketDialer.ConnectAsync(edges[edge], null, PathAndQuery(), connectTimeout.Token);
                await socket.SendAsync(SignalRFrames.Handshake(WireProtocol.Json), WebSocketMessageType.Text, endOfMessage: true, connectTimeout.Token);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or WebSocketException or OperationCanceledException)
            {
                LastError = ex.Message;
                return false;
            }
        }

        int generation;
        lock (_gate)
        {
            _socket = socket;
            generation = ++_generation;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        var filled = 0;
        var handshakeDone = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (filled == buffer.Length)
                {
                    buffer = Grow(buffer, filled);
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(filled), stop);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                filled += result.Count;
                var offset = 0;
                while (offset < filled)
                {
                    var end = buffer.AsSpan(offset, filled - offset).IndexOf(SignalRFrames.RecordSeparator);
                    if (end < 0)
                    {
                        break;
                    }

                    var record = buffer.AsSpan(offset, end);
                    offset += end + 1;
                    if (!handshakeDone)
                    {
                        if (!record.SequenceEqual("{}"u8))
                        {
                            throw new InvalidDataException($"Handshake refused: {System.Text.Encoding.UTF8.GetString(record)}");
                        }

                        handshakeDone = true;
                        continue;
                    }

                    if (!Handle(SoakWire.Parse(record), edge, generation))
                    {
                        return EndConnection(socket);
                    }
                }

                if (offset > 0)
                {
                    Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                    filled -= offset;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or InvalidDataException or System.Text.Json.JsonException or OperationCanceledException or ObjectDisposedException)
        {
            LastError = ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return EndConnection(socket);
    }

    private bool EndConnection(WebSocket socket)
    {
        bool connected;
        lock (_gate)
        {
            connected = _current is not null;
            if (_current is { Open: true } span)
            {
                span.EndedAt = WallClock.NowMicros();
            }

            _current = null;
            _socket = null;
            _presence = PresenceState.None;
            _buffered.Clear();
        }

        socket.Abort();
        socket.Dispose();
        return connected;
    }

    /// <summary>Handles one message; false when the server closed the hub connection.</summary>
    private bool Handle(SoakMessage message, int edge, int generation)
    {
        var now = WallClock.NowMicros();
        switch (message.Type)
        {
            case 7:
                LastError = message.Error ?? "closed by the server";
                return false;
            case 3 when message.Error is not null && message.InvocationId is not null:
                // presence:get failed (a silo or Redis going): ask again shortly, as an app would.
                _ = RetryPresenceGetAsync(generation);
                return true;
            case not 1:
                return true;
        }

        List<(string, bool)>? getNextPage = null;
        string? cursor = null;
        var enrolled = false;
        lock (_gate)
        {
            switch (message.Event)
            {
                case SoakEvent.Connected:
                    _current = new ConnectionSpan(edge, now);
                    _spans.Add(_current);
                    _presence = Hub == SoakHub.Notifications ? PresenceState.None : PresenceState.AwaitingEnrolment;
                    _getAttempts = 0;
                    if (_presence == PresenceState.AwaitingEnrolment)
                    {
                        _ = EnrolmentFallbackAsync(generation);
                    }

                    break;
                case SoakEvent.NotificationUnread when _current is { LiveAt: 0 } span:
                    span.LiveAt = now;
                    break;
                case SoakEvent.Notification when message.NotificationId is { } id:
                    if (!_notifications.TryAdd(id, now))
                    {
                        _duplicateNotifications.Add(id);
                    }

                    LastNotificationId = id;
                    break;
                case SoakEvent.Tick when message.Seq >= 0:
                    if (!_ticks.TryAdd(message.Seq, now))
                    {
                        _duplicateTicks.Add(message.Seq);
                    }

                    break;
                case SoakEvent.PresenceUpdate or SoakEvent.PresenceSummary:
                    // Any presence message after connected means the connection is enrolled for the
                    // changes: only now does a snapshot miss nothing that comes after it.
                    if (_presence == PresenceState.AwaitingEnrolment)
                    {
                        enrolled = true;
                        _presence = PresenceState.Getting;
                        _snapshotStarted = false;
                        _buffered.Clear();
                    }
                    else if (message.Users is { } users && _presence == PresenceState.Getting)
                    {
                        _buffered.AddRange(users);
                    }
                    else if (message.Users is { } applied && _presence == PresenceState.Loaded)
                    {
                        Apply(applied);
                    }

                    break;
                case SoakEvent.PresenceList when _presence == PresenceState.Getting && message.Users is { } page:
                    if (!_snapshotStarted)
                    {
                        // First page of this snapshot: the view starts over.
                        _view.Clear();
                        _snapshotStarted = true;
                    }

                    Apply(page);
                    if (message.NextCursor is { } next)
                    {
                        cursor = next;
                        getNextPage = page;
                    }
                    else
                    {
                        // Changes that arrived while the snapshot was taken come after it, in order.
                        Apply(_buffered);
                        _buffered.Clear();
                        _presence = PresenceState.Loaded;
                    }

                    break;
            }
        }

        if (enrolled)
        {
            _ = SendPresenceGetAsync(null);
        }
        else if (getNextPage is not null)
        {
            _ = SendPresenceGetAsync(cursor);
        }

        return true;
    }

    private void Apply(List<(string UserId, bool Active)> users)
    {
        foreach (var (userId, active) in users)
        {
            if (active)
            {
                _view.Add(userId);
            }
            else
            {
                _view.Remove(userId);
            }
        }
    }

    private Task SendPresenceGetAsync(string? cursor)
    {
        var target = Hub == SoakHub.Realtime ? "presence:get" : "presence:online";
        object argument = cursor is null ? new { limit = PresencePageLimit } : new { cursor, limit = PresencePageLimit };
        return SendAsync(SoakWire.Invocation("get", target, argument));
    }

    private async Task RetryPresenceGetAsync(int generation)
    {
        lock (_gate)
        {
            if (_presence != PresenceState.Getting || ++_getAttempts > MaxPresenceGetAttempts)
            {
                return;
            }
        }

        await Task.Delay(PresenceGetRetry);
        lock (_gate)
        {
            if (generation != _generation || _presence != PresenceState.Getting)
            {
                return;
            }

            _buffered.Clear();
            _snapshotStarted = false;
        }

        await SendPresenceGetAsync(null);
    }

    /// <summary>Should no presence message come (the sync lost with a silo), the edge enrols the connection anyway after its grace.</summary>
    private async Task EnrolmentFallbackAsync(int generation)
    {
        await Task.Delay(EnrolmentFallback);
        lock (_gate)
        {
            if (generation != _generation || _presence != PresenceState.AwaitingEnrolment)
            {
                return;
            }

            _presence = PresenceState.Getting;
            _snapshotStarted = false;
            _buffered.Clear();
        }

        await SendPresenceGetAsync(null);
    }

    private string PathAndQuery()
    {
        var path = Hub switch
        {
            SoakHub.Realtime => "/realtime",
            SoakHub.Presence => "/presence",
            _ => "/notifications",
        };
        var query = $"{path}?workspaceId={Uri.EscapeDataString(User.WorkspaceId)}&access_token={Uri.EscapeDataString(User.Token)}";
        return Hub == SoakHub.Notifications && LastNotificationId is { } last
            ? $"{query}&lastNotificationId={Uri.EscapeDataString(last)}"
            : query;
    }

    private static byte[] Grow(byte[] buffer, int filled)
    {
        if (buffer.Length >= MaxBuffer)
        {
            throw new InvalidDataException($"A hub message larger than {MaxBuffer} bytes.");
        }

        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        Buffer.BlockCopy(buffer, 0, larger, 0, filled);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
