using System.Diagnostics;
using Realtime.EdgeGateway.Identity;
using Realtime.Testing.Metrics;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Clients;

/// <summary>The clients of a spec, in this process: one shared histogram, one ping loop for all.</summary>
public sealed class LocalClientGroup(ClientSpec spec) : IClientGroup
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    private readonly CancellationTokenSource _lifetime = new(spec.MaxLifetime);
    private readonly CancellationTokenSource _stopPinging = new();
    private readonly LoadClient[] _clients = new LoadClient[spec.Count];
    private Task _pinging = Task.CompletedTask;

    public ClientSpec Spec => spec;

    public LatencyHistogram Latencies { get; } = new();

    public async Task<ConnectReport> ConnectAsync(TimeSpan timeout)
    {
        var servers = spec.Servers.Select(LoopbackEndpoint.Parse).ToArray();
        var tokens = spec.Jwt is { } jwt
            ? new DevelopmentTokenIssuer(jwt, TimeProvider.System)
            : null;
        var failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, spec.Count, new ParallelOptions { MaxDegreeOfParallelism = spec.ConnectConcurrency, CancellationToken = _lifetime.Token }, async (i, _) =>
        {
            var user = spec.FirstUser + i;
            var client = new LoadClient(spec.Protocol, spec.ReadyOn, Latencies, spec.TrackPresence ? new OnlineUsers(spec.TotalUsers) : null);
            _clients[i] = client;
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            connectTimeout.CancelAfter(ConnectTimeout);
            try
            {
                await client.ConnectAsync(servers[user % servers.Length], LoopbackEndpoint.SourceAddress(user, spec.SourceAddresses), PathAndQuery(user, tokens), _lifetime.Token, connectTimeout.Token);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"user {user}: {ex.Message}", null);
            }
        });
        var connectSeconds = clock.Elapsed.TotalSeconds;

        var deadline = clock.Elapsed + timeout;
        while (!_clients.All(c => c.IsReady || c.Closed) && clock.Elapsed < deadline)
        {
            await Task.Delay(PollInterval);
        }

        _pinging = PingLoopAsync();
        var ready = _clients.Count(c => c.IsReady);
        firstError ??= _clients.Select(c => c.Error).FirstOrDefault(e => e is not null);
        return new ConnectReport(spec.Count - failed, failed, ready, firstError, connectSeconds, clock.Elapsed.TotalSeconds);
    }

    public async Task<bool> WaitUntilAsync(GroupCondition condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Holds(condition))
        {
            if (clock.Elapsed > timeout || _lifetime.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(PollInterval);
        }

        return true;
    }

    public Task<GroupReport> ReportAsync()
    {
        var clients = _clients.Where(c => c is not null).ToList();
        return Task.FromResult(new GroupReport
        {
            Clients = clients.Count,
            Received = clients.Sum(c => c.Received),
            Duplicates = clients.Sum(c => c.Duplicates),
            Errors = clients.Count(c => c.Error is not null),
            FirstError = clients.Select(c => c.Error).FirstOrDefault(e => e is not null),
            MinOnline = clients.Count == 0 ? 0 : clients.Min(c => c.Online),
            PresenceMessagesMin = clients.Count == 0 ? 0 : clients.Min(c => c.PresenceMessages),
            PresenceMessagesMax = clients.Count == 0 ? 0 : clients.Max(c => c.PresenceMessages),
            PresenceMessagesSum = clients.Sum(c => c.PresenceMessages),
            PresenceBytesMin = clients.Count == 0 ? 0 : clients.Min(c => c.PresenceBytes),
            PresenceBytesMax = clients.Count == 0 ? 0 : clients.Max(c => c.PresenceBytes),
            PresenceBytesSum = clients.Sum(c => c.PresenceBytes),
            Histogram = Latencies.Encode(),
        });
    }

    public async ValueTask DisposeAsync()
    {
        // Pings stop first: a WebSocket takes one send at a time, and the close is a send.
        await _stopPinging.CancelAsync();
        await _pinging;
        var clients = _clients.Where(c => c is not null).ToList();
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = spec.ConnectConcurrency }, async (c, _) => await c.CloseAsync(CloseTimeout));
        await _lifetime.CancelAsync();
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        _lifetime.Dispose();
        _stopPinging.Dispose();
    }

    private bool Holds(GroupCondition condition) => condition.Kind switch
    {
        GroupConditionKind.Online => _clients.All(c => c.Online >= condition.Value),
        GroupConditionKind.TotalReceived => _clients.Sum(c => c.Received) >= condition.Value,
        GroupConditionKind.WarmedUp => _clients.All(c => c.Warmups >= condition.Value),
        _ => false,
    };

    private string PathAndQuery(int user, DevelopmentTokenIssuer? tokens)
    {
        var workspace = Uri.EscapeDataString(spec.WorkspaceOf(user));
        if (spec.Protocol == WireProtocol.SocketIo)
        {
            return $"{spec.HubPath}?EIO=4&transport=websocket&workspace={workspace}";
        }

        if (tokens is null)
        {
            return $"{spec.HubPath}?group={workspace}&user=u{user}";
        }

        var token = tokens.Issue($"u{user}", [spec.WorkspaceOf(user)], ["member"], spec.MaxLifetime);
        return $"{spec.HubPath}?workspaceId={workspace}&access_token={Uri.EscapeDataString(token)}";
    }

    /// <summary>Pings every client every PingInterval until the group ends.</summary>
    private async Task PingLoopAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, _stopPinging.Token);
        await PingLoop.RunAsync(_clients, static (client, token) => client.SendPingAsync(token), spec.PingInterval, stop.Token);
    }
}
