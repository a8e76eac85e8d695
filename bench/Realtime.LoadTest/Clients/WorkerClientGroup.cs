using System.Diagnostics;
using System.Globalization;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// Clients held by a worker process (a copy of this program in worker mode): one process can
/// hold at most ~19,900 sockets here, so larger runs spread clients over several.
/// </summary>
public sealed class WorkerClientGroup(ClientSpec spec) : IClientGroup
{
    private readonly Process _process = Start();

    public ClientSpec Spec => spec;

    public async Task<ConnectReport> ConnectAsync(TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(spec, WorkerProtocol.Json));
        await _process.StandardInput.WriteLineAsync(timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        await _process.StandardInput.FlushAsync();
        return WorkerProtocol.Read<ConnectReport>(await ReadAnswerAsync(timeout + TimeSpan.FromMinutes(2)));
    }

    public async Task<bool> WaitUntilAsync(GroupCondition condition, TimeSpan timeout) =>
        WorkerProtocol.Read<bool>(await CommandAsync($"wait {new WaitRequest(condition, timeout.TotalSeconds).ToJson()}", timeout + TimeSpan.FromSeconds(30)));

    public async Task<GroupReport> ReportAsync() => WorkerProtocol.Read<GroupReport>(await CommandAsync("report", TimeSpan.FromSeconds(60)));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("exit");
                await _process.StandardInput.FlushAsync();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private static Process Start()
    {
        // Runs this very program again: "dotnet Realtime.LoadTest.dll worker" or the apphost.
        var self = typeof(WorkerClientGroup).Assembly.Location;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { self, "worker" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        return Process.Start(startInfo) ?? throw new InvalidOperationException("Worker did not start.");
    }

    private async Task<string> CommandAsync(string command, TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ReadAnswerAsync(timeout);
    }

    /// <summary>The next "@" line; other output of the worker is passed through.</summary>
    private async Task<string> ReadAnswerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await _process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith(WorkerProtocol.AnswerPrefix, StringComparison.Ordinal))
            {
                return line[WorkerProtocol.AnswerPrefix.Length..];
            }

            Console.Error.WriteLine($"[worker {_process.Id}] {line}");
        }

        throw new IOException($"Worker {_process.Id} ended without answering.");
    }
}
