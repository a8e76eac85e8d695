using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Realtime.Client;

/// <summary>Where a hub client is.</summary>
public enum HubClientState
{
    Stopped,
    Connecting,
    Connected,
    Reconnecting,
}

/// <summary>
/// One hub connection that stays up: started once, it reconnects after every loss (a dropped
/// socket, an expired token, an edge that drains and sends <c>reconnect</c>) at once and then with
/// growing waits, asking the token factory again each time, until it is stopped or the user's
/// session is revoked. It keeps the last <c>recoveryPosition</c> of its workspace's events and
/// reconnects with it (<c>recover=</c>), so the edge replays what it missed; <see cref="Recovery"/>
/// says whether it did. After each reconnection it renews what the app subscribed to.
/// </summary>
public abstract partial class HubClient : IAsyncDisposable
{
    /// <summary>The query parameter that passes the last position back on reconnecting.</summary>
    public const string RecoverParameter = "recover";

    private readonly RealtimeClientOptions _options;
    private readonly string _hubPath;
    private readonly ILogger _logger;

    /// <summary>The app's handlers by event name: each name is listened to once per connection, its payload read once.</summary>
    private readonly Dictionary<string, List<Func<JsonElement, Task>>> _handlers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private HubConnection? _connection;
    private string? _connectionWorkspaceId;
    private (string WorkspaceId, string Position)? _position;
    private ConnectAttempt _attempt = new(Reconnection: false, Recover: false, RecoveredWithoutPosition: false);
    private CancellationTokenSource? _running;
    private TaskCompletionSource<ConnectedEvent>? _connected;
    private Task? _reconnecting;
    private volatile bool _revoked;
    private int _closingForGood;

    protected HubClient(RealtimeClientOptions options, string hubPath, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(RealtimeClientOptions.SectionName, typeof(RealtimeClientOptions), errors);
        }

        _options = options;
        _hubPath = hubPath;
        _logger = logger ?? NullLogger.Instance;
        On<ConnectedEvent>("connected", connected =>
        {
            _connected?.TrySetResult(connected);
            Raise(Connected, connected);
            var attempt = _attempt;
            if (attempt.Reconnection || attempt.Recover)
            {
                // Before the replayed events: the app knows whether to reload before the missed ones come.
                Raise(Recovery, new HubRecovery(_hubPath, connected.Recovered || attempt.RecoveredWithoutPosition));
            }
        });
        On<ServerNotice>("reconnect", notice =>
        {
            // The edge closes the connection next; the reconnection that follows goes to another edge.
            LogDraining(_hubPath, notice.Reason);
            Raise(Draining, notice);
        });
    }

    public HubClientState State { get; private set; }

    /// <summary>The workspace of the connection.</summary>
    public string WorkspaceId => _options.WorkspaceId!;

    /// <summary>
    /// The last <c>recoveryPosition</c> received from this hub in <see cref="WorkspaceId"/>: the next
    /// connection resumes from it. Set it before starting to resume from one kept earlier (e.g. across
    /// an app restart, within the edge's recovery window); null forgets it.
    /// </summary>
    public string? RecoveryPosition
    {
        get
        {
            lock (_lock)
            {
                return _position is { } last && last.WorkspaceId == WorkspaceId ? last.Position : null;
            }
        }

        set
        {
            lock (_lock)
            {
                _position = string.IsNullOrEmpty(value) ? null : (WorkspaceId, value);
            }
        }
    }

    /// <summary>The current connection's id; null while not connected.</summary>
    public string? ConnectionId => _connection?.ConnectionId;

    /// <summary><c>connected</c>, on the first connection and on every reconnection.</summary>
    public event Action<ConnectedEvent>? Connected;

    /// <summary>The connection was lost; the client is reconnecting.</summary>
    public event Action<Exception?>? Reconnecting;

    /// <summary>
    /// After every reconnection (and a first connection given a <see cref="RecoveryPosition"/>), before
    /// any replayed event: <see cref="HubRecovery.Recovered"/> true, the events missed meanwhile
    /// follow in order, then live ones; false, nothing was replayed: reload what the app shows from this hub.
    /// </summary>
    public event Action<HubRecovery>? Recovery;

    /// <summary>Connected again, subscriptions renewed.</summary>
    public event Action? Reconnected;

    /// <summary><c>reconnect</c>: the edge is shutting down; the client reconnects (through the load balancer) to another.</summary>
    public event Action<ServerNotice>? Draining;

    /// <summary>
    /// <c>session:revoked</c>: the user's access was removed; the client does not reconnect. The
    /// SignalR client may report the close before it runs this event's handler: then
    /// <see cref="Reconnecting"/> comes first, and the reconnection is ended here all the same.
    /// </summary>
    public event Action<ServerNotice>? SessionRevoked;

    /// <summary>Closed for good (after a revoked session); <see cref="StartAsync"/> may start it again.</summary>
    public event Action<Exception?>? Closed;

    /// <summary>
    /// Connects and returns once the hub's <c>connected</c> event arrived: every event published from
    /// then on reaches this client. Fails if the first connection fails (no retry: a wrong URL or
    /// token shows at once); once connected, it reconnects by itself.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_running is not null)
            {
                throw new InvalidOperationException($"The /{_hubPath} client is already started.");
            }

            _running = new CancellationTokenSource();
        }

        _revoked = false;
        _closingForGood = 0;
        State = HubClientState.Connecting;
        try
        {
            await ConnectAsync(reconnection: false, cancellationToken);
            State = HubClientState.Connected;
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    /// <summary>Closes the connection and stops reconnecting.</summary>
    public async Task StopAsync()
    {
        CancellationTokenSource? running;
        lock (_lock)
        {
            running = _running;
            _running = null;
        }

        if (running is null)
        {
            return;
        }

        await running.CancelAsync();
        if (_reconnecting is { } reconnecting)
        {
            await reconnecting;
        }

        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            await connection.DisposeAsync();
        }

        running.Dispose();
        State = HubClientState.Stopped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Handles a server event by name with its payload deserialized as <typeparamref name="T"/>
    /// (a record of this package, <see cref="System.Text.Json.JsonElement"/>, or a type of the app's own), on this connection and every later one.
    /// </summary>
    public void On<T>(string eventName, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        On<T>(eventName, payload =>
        {
            handler(payload);
            return Task.CompletedTask;
        });
    }

    /// <summary>Asynchronous handlers: the next event of this connection waits for the handler to finish.</summary>
    public void On<T>(string eventName, Func<T, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Func<JsonElement, Task> dispatch = async payload =>
        {
            try
            {
                await handler(payload is T element ? element : payload.Deserialize<T>(JsonSerializerOptions.Web)!);
            }
            catch (Exception ex)
            {
                // The app's handler failing must not cost the connection its other events.
                LogHandlerFailed(ex, _hubPath, eventName);
            }
        };
        HubConnection? current = null;
        string? workspaceId = null;
        lock (_lock)
        {
            if (_handlers.TryGetValue(eventName, out var handlers))
            {
                handlers.Add(dispatch);
            }
            else
            {
                _handlers[eventName] = [dispatch];
                (current, workspaceId) = (_connection, _connectionWorkspaceId);
            }
        }

        if (current is not null)
        {
            Listen(current, eventName, workspaceId!);
        }
    }

    /// <summary>The query the connection is opened with besides the workspace, e.g. "&amp;lastNotificationId=...".</summary>
    protected virtual ValueTask<string> ExtraQueryAsync(CancellationToken cancellationToken) => ValueTask.FromResult("");

    /// <summary>Renews what the app subscribed to, on a connection that has just connected (again).</summary>
    protected virtual Task RenewSubscriptionsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected bool IsConnected => _connection is { State: HubConnectionState.Connected };

    /// <summary>Calls a hub method that answers with its reply.</summary>
    protected Task<T> InvokeAsync<T>(string method, object? argument, CancellationToken cancellationToken)
    {
        var connection = Current();
        return argument is null
            ? connection.InvokeAsync<T>(method, cancellationToken)
            : connection.InvokeAsync<T>(method, argument, cancellationToken);
    }

    /// <summary>Calls a hub method whose answer is not needed.</summary>
    protected Task InvokeAsync(string method, object? argument, CancellationToken cancellationToken)
    {
        var connection = Current();
        return argument is null
            ? connection.InvokeAsync(method, cancellationToken)
            : connection.InvokeAsync(method, argument, cancellationToken);
    }

    /// <summary>Raises an event of the app, logging (not throwing) what its handlers throw.</summary>
    protected void Raise<T>(Action<T>? handlers, T payload)
    {
        try
        {
            handlers?.Invoke(payload);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(ex, _hubPath, typeof(T).Name);
        }
    }

    private void Raise(Action? handlers)
    {
        try
        {
            handlers?.Invoke();
        }
        catch (Exception ex)
        {
            LogHandlerFailed(ex, _hubPath, nameof(Reconnected));
        }
    }

    private HubConnection Current() =>
        _connection is { State: HubConnectionState.Connected } connection
            ? connection
            : throw new InvalidOperationException($"The /{_hubPath} client is not connected now ({State}).");

    /// <summary>
    /// A hub's URL: <c>{edge}/{hub}?workspaceId=...{extraQuery}[&amp;recover=...]</c>, the position
    /// passed back exactly as received.
    /// </summary>
    internal static Uri HubUrl(Uri edgeUrl, string hubPath, string workspaceId, string extraQuery = "", string? recoveryPosition = null)
    {
        ArgumentNullException.ThrowIfNull(edgeUrl);
        var edge = edgeUrl.ToString();
        var recover = string.IsNullOrEmpty(recoveryPosition) ? "" : $"&{RecoverParameter}={Uri.EscapeDataString(recoveryPosition)}";
        return new Uri(new Uri(edge.EndsWith('/') ? edge : edge + "/"), $"{hubPath}?workspaceId={Uri.EscapeDataString(workspaceId)}{extraQuery}{recover}");
    }

    /// <summary>Whether the connection about to open recovers what it missed without a position (/notifications: by the last notification id).</summary>
    protected virtual bool RecoversWithoutPosition => false;

    private async Task ConnectAsync(bool reconnection, CancellationToken cancellationToken)
    {
        var query = await ExtraQueryAsync(cancellationToken);
        // The workspace of this connection: the positions its events carry are that workspace's.
        var workspaceId = WorkspaceId;
        var position = RecoveryPosition;
        var url = HubUrl(_options.EdgeUrl!, _hubPath, workspaceId, query, position);
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o => o.AccessTokenProvider = TokenAsync)
            .Build();
        List<string> eventNames;
        lock (_lock)
        {
            eventNames = [.. _handlers.Keys];
        }

        connection.On<ServerNotice>("session:revoked", notice => OnRevoked(connection, notice));
        foreach (var eventName in eventNames)
        {
            Listen(connection, eventName, workspaceId);
        }

        _attempt = new ConnectAttempt(reconnection, position is not null, RecoversWithoutPosition);

        var connected = new TaskCompletionSource<ConnectedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _connected = connected;
        connection.Closed += exception => OnClosedAsync(connection, exception);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConnectTimeout);
            await connection.StartAsync(timeout.Token);
            await connected.Task.WaitAsync(timeout.Token);
            lock (_lock)
            {
                (_connection, _connectionWorkspaceId) = (connection, workspaceId);
            }

            await RenewSubscriptionsAsync(timeout.Token);
        }
        catch
        {
            Interlocked.CompareExchange(ref _connection, null, connection);
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Listens to one event on a connection: keeps the position its payload carries, then runs the app's handlers in order.</summary>
    private void Listen(HubConnection connection, string eventName, string workspaceId) =>
        connection.On<JsonElement>(eventName, async payload =>
        {
            if (payload.ValueKind == JsonValueKind.Object
                && payload.TryGetProperty("recoveryPosition", out var position)
                && position.ValueKind == JsonValueKind.String
                && position.GetString() is { Length: > 0 } value)
            {
                lock (_lock)
                {
                    _position = (workspaceId, value);
                }
            }

            List<Func<JsonElement, Task>> handlers;
            lock (_lock)
            {
                handlers = [.. _handlers[eventName]];
            }

            foreach (var handler in handlers)
            {
                await handler(payload);
            }
        });

    private Task<string?> TokenAsync() =>
        _options.AccessTokenProvider is { } provider ? provider() : Task.FromResult(_options.AccessToken);

    private Task OnClosedAsync(HubConnection connection, Exception? exception)
    {
        CancellationTokenSource? running;
        lock (_lock)
        {
            running = _running;
            if (running is null || running.IsCancellationRequested || !ReferenceEquals(connection, _connection))
            {
                // Stopped by the app, or a connection already replaced.
                return Task.CompletedTask;
            }
        }

        if (_revoked)
        {
            CloseForGood(exception);
            return Task.CompletedTask;
        }

        LogLost(_hubPath, exception?.Message);
        State = HubClientState.Reconnecting;
        Raise(Reconnecting, exception);
        _reconnecting = ReconnectAsync(running.Token);
        return Task.CompletedTask;
    }

    private void OnRevoked(HubConnection connection, ServerNotice notice)
    {
        _revoked = true;
        Raise(SessionRevoked, notice);

        // The SignalR client runs event handlers apart from its close: this one may come after the
        // connection was reported closed and a reconnection began, which must end too.
        if (connection.State == HubConnectionState.Disconnected || !ReferenceEquals(connection, _connection))
        {
            CloseForGood(exception: null);
        }
    }

    /// <summary>Stops the client (and any reconnection) after a revoked session, then raises <see cref="Closed"/> once.</summary>
    private void CloseForGood(Exception? exception)
    {
        if (Interlocked.Exchange(ref _closingForGood, 1) == 1)
        {
            return;
        }

        LogRevoked(_hubPath);
        _ = StopAsync().ContinueWith(_ => Raise(Closed, exception), TaskScheduler.Default);
    }

    private async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                // The first attempt at once: a draining edge or a dropped socket; the balancer picks a live edge.
                await Task.Delay(Backoff(attempt), cancellationToken);
                await ConnectAsync(reconnection: true, cancellationToken);
                State = HubClientState.Connected;
                LogReconnected(_hubPath, attempt + 1);
                Raise(Reconnected);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogAttemptFailed(_hubPath, attempt + 1, ex.Message);
            }
        }
    }

    /// <summary>0 for the first attempt, then the initial delay doubling up to the longest, each ±20% so that clients of one edge spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        if (attempt == 0)
        {
            return TimeSpan.Zero;
        }

        var doubled = _options.ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(doubled, _options.ReconnectMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private sealed record ConnectAttempt(bool Reconnection, bool Recover, bool RecoveredWithoutPosition);

    [LoggerMessage(1, LogLevel.Information, "/{Hub}: the edge is draining ({Reason}); reconnecting to another")]
    private partial void LogDraining(string hub, string reason);

    [LoggerMessage(2, LogLevel.Warning, "/{Hub}: connection lost ({Reason}); reconnecting")]
    private partial void LogLost(string hub, string? reason);

    [LoggerMessage(3, LogLevel.Information, "/{Hub}: reconnected after {Attempts} attempt(s)")]
    private partial void LogReconnected(string hub, int attempts);

    [LoggerMessage(4, LogLevel.Debug, "/{Hub}: reconnection attempt {Attempt} failed: {Reason}")]
    private partial void LogAttemptFailed(string hub, int attempt, string reason);

    [LoggerMessage(5, LogLevel.Warning, "/{Hub}: the session was revoked; not reconnecting")]
    private partial void LogRevoked(string hub);

    [LoggerMessage(6, LogLevel.Error, "/{Hub}: a handler of {Event} failed")]
    private partial void LogHandlerFailed(Exception exception, string hub, string @event);
}
