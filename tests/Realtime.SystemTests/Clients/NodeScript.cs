using System.Diagnostics;
using System.Text.Json;

namespace Realtime.SystemTests.Clients;

/// <summary>
/// A Node.js script running beside the test (a client, a webhook receiver) that reports on stdout
/// as JSON lines, kept to wait on. Stopped by closing its stdin (killed if it does not go), or
/// killed at once when it does not read stdin (a server).
/// </summary>
public sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly bool _endsWithStdin;

    private NodeScript(Process process, bool endsWithStdin)
    {
        _process = process;
        _endsWithStdin = endsWithStdin;
    }

    /// <summary>Every JSON line the script printed, in order.</summary>
    public EventLog<JsonElement> Lines { get; } = new();

    public static NodeScript Start(string workingDirectory, string script, IReadOnlyDictionary<string, string> environment, bool endsWithStdin = true)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            ArgumentList = { script },
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        var node = new NodeScript(process, endsWithStdin);
        process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                node.Lines.Add(JsonDocument.Parse(e.Data).RootElement.Clone());
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(_endsWithStdin ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);
            try
            {
                await _process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }
}
