using System.Diagnostics;
using Realtime.EdgeGateway.Identity;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// The clients of the reconnect scenario that keep every tick in arrival order: users FirstUser ..
/// FirstUser+Count-1 of <paramref name="spec"/>, in this process (a few thousand at most), with one
/// ping loop. Each connects like the others (user n to server n mod servers). The first
/// <paramref name="witnesses"/> never drop: they tell the order in which their workspace sent the
/// ticks. The others drop together and each comes back on the next server (the other edge of the
/// local cluster) with <c>recover=</c> its last position.
/// </summary>
public sealed class RecoveringClientGroup(ClientSpec spec, int witnesses) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    private readonly CancellationTokenSource _lifetime = new(spec.MaxLifetime);
    private readonly CancellationTokenSource _stopPinging = new();
    private readonly RecoveringClient[] _clients = Enumerable.Range(spec.FirstUser, spec.Count).Select(user => new RecoveringClient { User = user }).ToArray();
    private readonly DevelopmentTokenIssuer _tokens = new(spec.Jwt ?? throw new ArgumentException("The reconnect scenario needs the edge's JWT settings."), TimeProvider.System);
    private readonly System.Net.IPEndPoint[] _servers = spec.Servers.Select(LoopbackEndpoint.Parse).ToArray();
    private Task _pinging = Task.CompletedTask;

    /// <summary>Clients that stay connected, one per workspace: the order each workspace sent its ticks in.</summary>
    public IReadOnlyList<RecoveringClient> Witnesses => _clients[..witnesses];

    public IReadOnlyList<RecoveringClient> Dropping => _clients[witnesses..];

    /// <summary>Connects every client and waits (bounded) until each has its connected event.</summary>
    public async Task<ConnectReport> ConnectAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var (failed, firstError) = await EachAsync(_clients, (client, connectTimeout) =>
            client.ConnectAsync(_servers[client.User % _servers.Length], Source(client), PathAndQuery(client.User, recover: null), _lifetime.Token, connectTimeout));
        var connectSeconds = clock.Elapsed.TotalSeconds;
        await WaitAsync(c => c.IsReady || c.Error is not null, timeout);
        _pinging = PingLoopAsync();
        return new ConnectReport(_clients.Length - failed, failed, _clients.Count(c => c.IsReady), firstError ?? FirstError, connectSeconds, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Every client's socket aborted from this side at once, as when their network goes.</summary>
    public Task DropAllAsync() => Task.WhenAll(Dropping.Select(c => c.DropAsync()));

    /// <summary>
    /// Reconnects every dropped client to the next server with <c>recover=</c> its last position;
    /// <paramref name="catchUp"/> gives, as each reconnect starts, the last tick of the user's
    /// workspace accepted by then and how many of its ticks up to there the user is owed.
    /// Returns how many could not connect and the first error.
    /// </summary>
    public Task<(int Failed, string? FirstError)> ReconnectAllAsync(Func<int, (long To, long Owed)> catchUp) =>
        EachAsync(Dropping, (client, connectTimeout) =>
        {
            var (to, owed) = catchUp(client.User);
            return client.ReconnectAsync(
                _servers[(client.User + 1) % _servers.Length], Source(client), PathAndQuery(client.User, client.LastPosition), to, owed, _lifetime.Token, connectTimeout);
        });

    /// <summary>Waits until <paramref name="condition"/> holds for every client, witnesses included; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(Func<RecoveringClient, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!_clients.All(condition))
        {
            if (clock.Elapsed > timeout || _lifetime.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(PollInterval);
        }

        return true;
    }

    public string? FirstError => _clients.Select(c => c.Error).FirstOrDefault(e => e is not null);

    public async ValueTask DisposeAsync()
    {
        // Pings stop first: a WebSocket takes one send at a time, and the close is a send.
        await _stopPinging.CancelAsync();
        await _pinging;
        await Parallel.ForEachAsync(_clients, new ParallelOptions { MaxDegreeOfParallelism = spec.ConnectConcurrency }, async (c, _) => await c.CloseAsync(CloseTimeout));
        await _lifetime.CancelAsync();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _lifetime.Dispose();
        _stopPinging.Dispose();
    }

    private async Task<(int Failed, string? FirstError)> EachAsync(IEnumerable<RecoveringClient> clients, Func<RecoveringClient, CancellationToken, Task> connect)
    {
        var failed = 0;
        string? firstError = null;
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = spec.ConnectConcurrency, CancellationToken = _lifetime.Token }, async (client, _) =>
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            connectTimeout.CancelAfter(ConnectTimeout);
            try
            {
                await connect(client, connectTimeout.Token);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"user {client.User}: {ex.Message}", null);
            }
        });
        return (failed, firstError);
    }

    private System.Net.IPAddress? Source(RecoveringClient client) => LoopbackEndpoint.SourceAddress(client.User, spec.SourceAddresses);

    private string PathAndQuery(int user, string? recover)
    {
        var workspace = spec.WorkspaceOf(user);
        var token = _tokens.Issue($"u{user}", [workspace], ["member"], spec.MaxLifetime);
        var query = $"{spec.HubPath}?workspaceId={Uri.EscapeDataString(workspace)}&access_token={Uri.EscapeDataString(token)}";
        return recover is null ? query : $"{query}&recover={Uri.EscapeDataString(recover)}";
    }

    /// <summary>Pings every client every PingInterval until the group ends.</summary>
    private async Task PingLoopAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, _stopPinging.Token);
        await PingLoop.RunAsync(_clients, static (client, token) => client.SendPingAsync(token), spec.PingInterval, stop.Token);
    }
}
