using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Realtime.LoadTest.Systems;

/// <summary>
/// Live objects of a .NET process by type, through the dotnet-gcdump tool: a dump before and one
/// after N connections, and the difference per connection names what each connection holds.
/// </summary>
public static partial class HeapDump
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Bytes and objects of one type, summed over the report's size buckets.</summary>
    public sealed record TypeTotal(string Type, long Bytes, long Count);

    public static async Task<IReadOnlyDictionary<string, TypeTotal>> CollectAsync(int pid, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await RunToolAsync("collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", path);
        return Parse(await RunToolAsync("report", path));
    }

    /// <summary>The types whose live bytes grew most, per connection, as a markdown table.</summary>
    public static string Diff(IReadOnlyDictionary<string, TypeTotal> before, IReadOnlyDictionary<string, TypeTotal> after, int connections, int rows = 30)
    {
        var grown = after.Values
            .Select(a => before.TryGetValue(a.Type, out var b) ? a with { Bytes = a.Bytes - b.Bytes, Count = a.Count - b.Count } : a)
            .Where(d => d.Bytes > 0)
            .OrderByDescending(d => d.Bytes)
            .ToList();
        var total = after.Values.Sum(t => t.Bytes) - before.Values.Sum(t => t.Bytes);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"live heap grew {total / 1024.0 / connections:F2} KB per connection ({connections} connections)");
        text.AppendLine();
        text.AppendLine("| type | bytes per connection | objects per connection |");
        text.AppendLine("|---|---|---|");
        foreach (var type in grown.Take(rows))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {type.Type} | {type.Bytes / (double)connections:F0} | {type.Count / (double)connections:F2} |");
        }

        return text.ToString();
    }

    /// <summary>
    /// Parses "dotnet-gcdump report": "  Object Bytes  Count  Type [(Bytes > 1K)]  [Assembly]", where
    /// the first column is the size of one object of the type (of the size bucket, for arrays).
    /// </summary>
    public static IReadOnlyDictionary<string, TypeTotal> Parse(string report)
    {
        var totals = new Dictionary<string, TypeTotal>(StringComparer.Ordinal);
        foreach (var line in report.Split('\n'))
        {
            var match = ReportLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var type = match.Groups["type"].Value.Trim();
            var count = long.Parse(match.Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var bytes = count * long.Parse(match.Groups["size"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            totals[type] = totals.TryGetValue(type, out var seen)
                ? seen with { Bytes = seen.Bytes + bytes, Count = seen.Count + count }
                : new TypeTotal(type, bytes, count);
        }

        return totals;
    }

    private static async Task<string> RunToolAsync(params string[] args)
    {
        var start = new ProcessStartInfo(ToolPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet-gcdump did not start.");
        using var timeout = new CancellationTokenSource(ToolTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-gcdump {args[0]} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }

    /// <summary>The tool on PATH, else where "dotnet tool install -g dotnet-gcdump" puts it.</summary>
    private static string ToolPath()
    {
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump");
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "dotnet-gcdump"))
            .FirstOrDefault(File.Exists);
        return onPath ?? (File.Exists(home) ? home : throw new InvalidOperationException(
            "dotnet-gcdump is not installed: dotnet tool install -g dotnet-gcdump"));
    }

    [GeneratedRegex(@"^\s*(?<size>[\d,]+)\s+(?<count>[\d,]+)\s+(?<type>.+?)(\s+\(Bytes > [^)]*\))?\s+\[[^\]]*\]\s*$")]
    private static partial Regex ReportLine();
}
