using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Realtime.Testing;

/// <summary>
/// A redis-server of one fault test or soak: its own port and append-only directory, so it can be
/// killed and started again with its state, as a production Redis with AOF restarts.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("realtime-faults-redis-").FullName;
    private readonly string _appendFsync;
    private Process? _process;

    /// <param name="port">Loopback port; 0 takes a free one.</param>
    /// <param name="appendFsync">Redis' appendfsync: "always" (the fault tests) or "everysec" (deploy/local/cluster.sh and production).</param>
    public RedisProcess(int port = 0, string appendFsync = "always")
    {
        Port = port > 0 ? port : RedisServer.FreePort();
        _appendFsync = appendFsync;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Process id of the running server, e.g. to read its memory from /proc; 0 while it is down.</summary>
    public int Pid => _process is { HasExited: false } process ? process.Id : 0;

    /// <summary>Starts the server (again, after a kill: same port, same append-only file).</summary>
    public async Task StartAsync()
    {
        _process?.Dispose();
        var startInfo = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
                "--appendonly", "yes", "--appendfsync", _appendFsync, "--save", "",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.UntilAsync(PingsAsync, ok => ok, $"redis on {ConnectionString} answers", TimeSpan.FromSeconds(20));
    }

    /// <summary>SIGKILL: no chance to write anything more than the append-only file already holds.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp directory; harmless.
        }
    }

    private async Task<bool> PingsAsync()
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=500,abortConnect=true");
            await connection.GetDatabase().PingAsync();
            return true;
        }
        catch (RedisException)
        {
            // Not listening yet, or still loading its append-only file ("LOADING").
            return false;
        }
    }
}
