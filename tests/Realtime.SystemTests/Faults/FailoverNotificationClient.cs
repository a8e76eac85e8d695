using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// A /notifications client as an app should write one: it remembers the last notification id it
/// saw and, when its connection closes, connects to the next edge of its list with
/// <c>lastNotificationId</c>, so missed notifications are replayed before the live ones. It counts
/// what it received, duplicates included.
/// </summary>
public sealed class FailoverNotificationClient(IReadOnlyList<Uri> edges, string token, string workspaceId) : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectWindow = TimeSpan.FromSeconds(30);

    /// <summary>
    /// From the handshake to the catch-up's notification:unread. A catch-up lost on the way is
    /// designed to come again after Edge:NotificationAttachTimeout (5 s) plus a stream check (1 s
    /// here), after a connect that itself takes seconds on a loaded machine: the wait covers that
    /// bound twice over, so only a connection that never goes live fails it.
    /// </summary>
    private static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private readonly List<string> _received = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private readonly List<HubConnection> _closed = [];
    private HubConnection? _connection;
    private int _edge;
    private string? _lastId;

    public int Duplicates { get; private set; }

    public int Reconnects { get; private set; }

    /// <summary>Time from losing a connection to being connected again, for each loss.</summary>
    public List<TimeSpan> ReconnectTimes { get; } = [];

    public IReadOnlyCollection<string> ReceivedIds
    {
        get
        {
            lock (_gate)
            {
                return _received.ToList();
            }
        }
    }

    public Task StartAsync(int edge = 0)
    {
        _edge = edge;
        return ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        foreach (var connection in _closed.Append(_connection).OfType<HubConnection>())
        {
            await connection.DisposeAsync();
        }

        _disposed.Dispose();
    }

    private async Task ConnectAsync()
    {
        var query = _lastId is null ? null : $"lastNotificationId={Uri.EscapeDataString(_lastId)}";
        var connection = TestClient.Build(edges[_edge], "/notifications", workspaceId, token, query);
        connection.On<JsonElement>("notification", Received);

        // notification:unread follows the replay of missed notifications: from then on, the connection is live.
        var live = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connected = false;
        connection.On<JsonElement>("connected", _ => connected = true);
        connection.On<JsonElement>("notification:unread", _ => live.TrySetResult());
        connection.Closed += OnClosedAsync;
        if (_connection is not null)
        {
            _closed.Add(_connection);
        }

        _connection = connection;

        await connection.StartAsync(_disposed.Token);
        try
        {
            await live.Task.WaitAsync(LiveTimeout, _disposed.Token);
        }
        catch (TimeoutException ex)
        {
            // Says how far the connection got: registered (connected came) but never caught up, or not even that.
            throw new TimeoutException(
                $"No notification:unread within {LiveTimeout.TotalSeconds:F0} s of the handshake of {connection.ConnectionId} on {edges[_edge]} " +
                $"(connected {(connected ? "came" : "did not come")}, state {connection.State})", ex);
        }
    }

    private void Received(JsonElement notification)
    {
        var id = notification.GetProperty("id").GetString()!;
        lock (_gate)
        {
            if (_seen.Add(id))
            {
                _received.Add(id);
            }
            else
            {
                Duplicates++;
            }

            _lastId = id;
        }
    }

    /// <summary>Pause between reconnect attempts, as a real client's retry policy has.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private async Task OnClosedAsync(Exception? error)
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        var lost = Stopwatch.StartNew();
        var deadline = DateTime.UtcNow + ReconnectWindow;
        while (!_disposed.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            // The edge that closed us is probably gone or draining: try the next one first.
            _edge = (_edge + 1) % edges.Count;
            try
            {
                await ConnectAsync();
                Reconnects++;
                ReconnectTimes.Add(lost.Elapsed);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or TimeoutException)
            {
                await Task.Delay(RetryDelay);
            }
        }
    }
}
