using System.Diagnostics;
using System.Globalization;
using Realtime.Grains.Hosting;
using Realtime.LoadTest.Metrics;
using Realtime.Testing;

namespace Realtime.LoadTest.Systems;

/// <summary>The other reference: bench/socketio-server (Socket.IO 4.8 on Node.js) as its own process, and its broadcast endpoint.</summary>
public sealed class SocketIoSystem : IAsyncDisposable
{
    private const string ServerDirectory = "bench/socketio-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private HostProcess? _process;

    private SocketIoSystem(Uri url) => Url = url;

    public Uri Url { get; }

    public int Pid => _process!.Id;

    /// <summary>
    /// Starts the server; <paramref name="pingInterval"/> is its Engine.IO ping, which the clients
    /// answer. It waits 5 intervals (2 s at least) for each pong, so that a short run with frequent
    /// pings drops a client that does not answer (its deliveries then count as lost).
    /// </summary>
    public static async Task<SocketIoSystem> StartAsync(TimeSpan pingInterval)
    {
        await InstallAsync();
        var system = new SocketIoSystem(new Uri($"http://127.0.0.1:{RedisServer.FreePort()}"));
        try
        {
            system._process = HostProcess.StartProgram(ServerDirectory, "node", ["server.mjs"], new Dictionary<string, string>
            {
                ["PORT"] = system.Url.Port.ToString(CultureInfo.InvariantCulture),
                ["PING_INTERVAL_MS"] = ((long)pingInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                ["PING_TIMEOUT_MS"] = ((long)Math.Max(pingInterval.TotalMilliseconds * 5, 2000)).ToString(CultureInfo.InvariantCulture),
            });
            await system._process.WaitUntilHealthyAsync(new Uri(system.Url, HostEndpoints.Ready), StartTimeout);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>One room emit of { seq, sentAt }, stamped now.</summary>
    public async Task BroadcastAsync(string group, string eventName, long seq)
    {
        var sentAt = WallClock.NowMicros();
        using var response = await _http.PostAsync(
            new Uri(Url, string.Create(CultureInfo.InvariantCulture, $"/broadcast?group={Uri.EscapeDataString(group)}&seq={seq}&sentAt={sentAt}&name={eventName}")), null);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_process is not null)
        {
            try
            {
                await _process.TerminateAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: DisposeAsync kills it.
            }

            await _process.DisposeAsync();
        }
    }

    /// <summary>npm ci from the committed lock file, once: node_modules is not in the repository.</summary>
    private static async Task InstallAsync()
    {
        var directory = Path.Combine(HostProcess.SolutionRoot(), ServerDirectory);
        if (Directory.Exists(Path.Combine(directory, "node_modules", "socket.io")))
        {
            return;
        }

        var startInfo = new ProcessStartInfo("npm")
        {
            ArgumentList = { "ci", "--no-audit", "--no-fund" },
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var npm = Process.Start(startInfo) ?? throw new InvalidOperationException("npm did not start.");
        var output = npm.StandardOutput.ReadToEndAsync();
        var errors = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {ServerDirectory} exited with {npm.ExitCode}:\n{await output}\n{await errors}");
        }
    }
}
