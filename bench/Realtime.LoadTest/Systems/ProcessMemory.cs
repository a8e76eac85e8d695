using System.Diagnostics;
using System.Globalization;

namespace Realtime.LoadTest.Systems;

/// <summary>Resident memory of a process from /proc/&lt;pid&gt;/status, and waiting until it stops moving.</summary>
public static class ProcessMemory
{
    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }

    /// <summary>
    /// RSS once three readings 500 ms apart differ by under 1% (at most <paramref name="timeout"/>):
    /// connection setup leaves work queued that still allocates for a moment.
    /// </summary>
    public static async Task<long> SettledRssBytesAsync(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var readings = new List<long> { RssBytes(pid) };
        while (clock.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            readings.Add(RssBytes(pid));
            var last = readings.TakeLast(3).ToList();
            if (last.Count == 3 && last.Max() - last.Min() < last.Max() / 100)
            {
                break;
            }
        }

        return readings[^1];
    }
}
