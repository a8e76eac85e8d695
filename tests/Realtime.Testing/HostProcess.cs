using System.Diagnostics;
using System.Text;

namespace Realtime.Testing;

/// <summary>
/// A silo or edge started as its own process from its build output (dotnet Realtime.X.dll),
/// exactly as an operator runs it, configured through environment variables.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>Process id, e.g. to read its memory from /proc.</summary>
    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts project <paramref name="project"/> (e.g. "Silo") with the given environment.</summary>
    public static HostProcess Start(string project, string assembly, IReadOnlyDictionary<string, string> environment) =>
        StartAt(Path.Combine("src", project), assembly, environment);

    /// <summary>Starts the project in <paramref name="projectDirectory"/> (relative to the solution, e.g. "bench/Realtime.BareHub").</summary>
    public static HostProcess StartAt(string projectDirectory, string assembly, IReadOnlyDictionary<string, string> environment) =>
        Launch(projectDirectory, assembly, ["--contentRoot", Path.Combine(SolutionRoot(), projectDirectory)], environment, workingDirectory: null);

    /// <summary>
    /// Runs a command-line tool from its build output with <paramref name="arguments"/>, as a user
    /// runs it (e.g. "bench/Realtime.LoadTest", "Realtime.LoadTest.dll", ["broadcast", "300", ...]),
    /// from the solution root, so that its default paths (artifacts/...) are the ones the docs name.
    /// </summary>
    public static HostProcess RunTool(string projectDirectory, string assembly, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        Launch(projectDirectory, assembly, arguments, environment ?? new Dictionary<string, string>(), workingDirectory: SolutionRoot());

    /// <summary>
    /// Starts a program that is not a .NET build output (e.g. "node", ["server.mjs"]) in
    /// <paramref name="directory"/> (relative to the solution, e.g. "bench/socketio-server").
    /// </summary>
    public static HostProcess StartProgram(string directory, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment) =>
        LaunchProgram(program, arguments, environment, Path.Combine(SolutionRoot(), directory), directory);

    private static HostProcess Launch(
        string projectDirectory, string assembly, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory)
    {
        var directory = BuildOutputOf(projectDirectory);
        return LaunchProgram("dotnet", [Path.Combine(directory, assembly), .. arguments], environment, workingDirectory ?? directory, projectDirectory);
    }

    private static HostProcess LaunchProgram(
        string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, string name)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{name} did not start.");
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until GET <paramref name="health"/> answers 200, failing early if the process exits.</summary>
    public async Task WaitUntilHealthyAsync(Uri health, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Process exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(health);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{health} not healthy in time:\n{Output}");
            }

            await Task.Delay(Eventually.PollInterval * 4);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Asks the process to stop gracefully (SIGTERM, as an orchestrator does) and waits for it to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Ends the process at once, with no chance to say goodbye (SIGKILL).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static string SolutionRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Realtime.Orleans.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Realtime.Orleans.sln not found above the test output.");
    }

    /// <summary>The configuration the tests were built with (Release, Debug): the projects they reference are built with the same.</summary>
    public static string BuildConfiguration() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string BuildOutputOf(string projectDirectory)
    {
        var directory = Path.Combine(SolutionRoot(), projectDirectory, "bin", BuildConfiguration(), "net10.0");
        return Directory.Exists(directory) ? directory : throw new DirectoryNotFoundException($"Build output of {projectDirectory} not found at {directory}.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
