using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Realtime.Testing;

/// <summary>
/// A real Redis server for the tests: the one named by REALTIME_TEST_REDIS (host:port), or
/// else a redis-server process started once for the test run on a free loopback port.
/// </summary>
public static class RedisServer
{
    public const string EnvironmentVariable = "REALTIME_TEST_REDIS";

    private static readonly Lazy<string> Instance = new(StartOrFind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>StackExchange.Redis connection string of the shared test server.</summary>
    public static string ConnectionString => Instance.Value;

    private static string StartOrFind()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var endpoint = string.IsNullOrWhiteSpace(configured) ? StartLocalServer() : configured;
        WaitUntilReady(endpoint);
        return endpoint;
    }

    private static string StartLocalServer()
    {
        var port = FreePort();
        var startInfo = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"These tests need a real Redis: install redis-server (apt-get install -y redis-server) or set {EnvironmentVariable}=host:port.", ex);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        };
        return $"127.0.0.1:{port}";
    }

    private static void WaitUntilReady(string endpoint)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var connection = ConnectionMultiplexer.Connect($"{endpoint},connectTimeout=1000,abortConnect=true");
                connection.GetDatabase().Ping();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                Thread.Yield();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
