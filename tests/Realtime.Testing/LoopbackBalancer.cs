using System.Net;
using System.Net.Sockets;

namespace Realtime.Testing;

/// <summary>
/// A TCP load balancer on loopback, in front of edges, as nginx or a Kubernetes Service is in
/// production: each new client connection goes to the first backend whose <c>/health/ready</c>
/// answers 200 (a draining edge answers 503), and bytes are relayed both ways until either side
/// closes. Lets official clients, which reconnect to the URL they were given, reach another edge.
/// </summary>
public sealed class LoopbackBalancer : IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<Uri> _backends;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly HttpClient _probe = new() { Timeout = ProbeTimeout };
    private readonly CancellationTokenSource _stopped = new();
    private readonly Task _accepting;
    private readonly HashSet<TcpClient> _relayed = [];

    public LoopbackBalancer(IReadOnlyList<Uri> backends)
    {
        _backends = backends;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>
    /// Cuts every relayed connection at once, both ways, with a reset and no close handshake, as a
    /// network that goes away does: the client and the edge each learn it from their socket.
    /// Returns how many were cut.
    /// </summary>
    public int CutAll()
    {
        lock (_relayed)
        {
            foreach (var socket in _relayed)
            {
                socket.Client.LingerState = new LingerOption(true, 0);
                socket.Client.Close();
            }

            var cut = _relayed.Count;
            _relayed.Clear();
            return cut;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopped.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _probe.Dispose();
        _stopped.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopped.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopped.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        {
            var backend = await ReadyBackendAsync();
            if (backend is null)
            {
                return;
            }

            using var upstream = new TcpClient();
            lock (_relayed)
            {
                _relayed.Add(client);
                _relayed.Add(upstream);
            }

            try
            {
                await upstream.ConnectAsync(backend.Host, backend.Port, _stopped.Token);
                var down = client.GetStream();
                var up = upstream.GetStream();
                var first = await Task.WhenAny(PumpAsync(down, up), PumpAsync(up, down));
                await first;
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side went away: the other is closed with it.
            }
            finally
            {
                lock (_relayed)
                {
                    _relayed.Remove(client);
                    _relayed.Remove(upstream);
                }
            }
        }
    }

    private async Task<Uri?> ReadyBackendAsync()
    {
        foreach (var backend in _backends)
        {
            try
            {
                using var ready = await _probe.GetAsync(new Uri(backend, "/health/ready"), _stopped.Token);
                if (ready.IsSuccessStatusCode)
                {
                    return backend;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Down or not answering: the next one.
            }
        }

        return null;
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        await from.CopyToAsync(to, _stopped.Token);

        // The sender closed its side: pass the close on, as a proxy does.
        to.Socket.Shutdown(SocketShutdown.Send);
    }
}
