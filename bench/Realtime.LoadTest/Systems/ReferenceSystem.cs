using System.Diagnostics;
using System.Globalization;
using Realtime.Grains.Hosting;
using Realtime.LoadTest.Cli;
using Realtime.LoadTest.Clients;
using Realtime.LoadTest.Metrics;
using Realtime.Testing;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Systems;

/// <summary>
/// A reference our system is measured against, as its own process: the bare SignalR hub
/// (bench/Realtime.BareHub) or Socket.IO 4.8 on Node.js (bench/socketio-server). Both answer
/// <c>POST /broadcast</c> with one group (room) send of { seq, sentAt }.
/// </summary>
public sealed class ReferenceSystem : IAsyncDisposable
{
    private const string SocketIoDirectory = "bench/socketio-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _hubPath;
    private readonly WireProtocol? _protocol;
    private HostProcess? _process;

    private ReferenceSystem(string target, string hubPath, WireProtocol? protocol)
    {
        Target = target;
        _hubPath = hubPath;
        _protocol = protocol;
        Url = new Uri($"http://127.0.0.1:{RedisServer.FreePort()}");
    }

    /// <summary>"bare" or "socketio", as results name it.</summary>
    public string Target { get; }

    public Uri Url { get; }

    public int Pid => _process!.Id;

    public static Task<ReferenceSystem> StartBareHubAsync()
    {
        var system = new ReferenceSystem("bare", "/hub", protocol: null);
        return system.StartAsync(url => HostProcess.StartAt(Path.Combine("bench", "Realtime.BareHub"), "Realtime.BareHub.dll", new Dictionary<string, string>
        {
            ["Urls"] = url.ToString(),
        }));
    }

    /// <summary>
    /// Socket.IO; <paramref name="pingInterval"/> is its Engine.IO ping, which the clients answer. It
    /// waits 5 intervals (2 s at least) for each pong, so that a short run with frequent pings drops
    /// a client that does not answer (its deliveries then count as lost).
    /// </summary>
    public static async Task<ReferenceSystem> StartSocketIoAsync(TimeSpan pingInterval)
    {
        await InstallSocketIoAsync();
        var system = new ReferenceSystem("socketio", "/socket.io/", WireProtocol.SocketIo);
        return await system.StartAsync(url => HostProcess.StartProgram(SocketIoDirectory, "node", ["server.mjs"], new Dictionary<string, string>
        {
            ["PORT"] = url.Port.ToString(CultureInfo.InvariantCulture),
            ["PING_INTERVAL_MS"] = ((long)pingInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["PING_TIMEOUT_MS"] = ((long)Math.Max(pingInterval.TotalMilliseconds * 5, 2000)).ToString(CultureInfo.InvariantCulture),
        }));
    }

    /// <summary>Clients of one group (room): the run's protocol on the bare hub, Socket.IO's own on Socket.IO (whose pings are the server's).</summary>
    public ClientSpec Clients(LoadOptions options, string group) => new()
    {
        Servers = [Url],
        HubPath = _hubPath,
        Protocol = _protocol ?? options.Protocol,
        Workspace = group,
        FirstUser = 0,
        Count = options.Clients,
        TotalUsers = options.Clients,
        SourceAddresses = options.SourceAddresses,
        MaxLifetime = options.Timeout * 3 + TimeSpan.FromSeconds(options.Seconds),
        PingInterval = TimeSpan.FromSeconds(options.PingSeconds),
    };

    /// <summary>The protocol name results carry.</summary>
    public string ProtocolName(LoadOptions options) => (_protocol ?? options.Protocol).ToString().ToLowerInvariant();

    /// <summary>One group send of { seq, sentAt }, stamped now.</summary>
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

    private async Task<ReferenceSystem> StartAsync(Func<Uri, HostProcess> start)
    {
        try
        {
            _process = start(Url);
            await _process.WaitUntilHealthyAsync(new Uri(Url, HostEndpoints.Ready), StartTimeout);
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>npm ci from the committed lock file, once: node_modules is not in the repository.</summary>
    private static async Task InstallSocketIoAsync()
    {
        var directory = Path.Combine(HostProcess.SolutionRoot(), SocketIoDirectory);
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
            throw new InvalidOperationException($"npm ci in {SocketIoDirectory} exited with {npm.ExitCode}:\n{await output}\n{await errors}");
        }
    }
}
