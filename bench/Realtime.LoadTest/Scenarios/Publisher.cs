using System.Diagnostics;

namespace Realtime.LoadTest.Scenarios;

/// <summary>
/// Publishes <c>count</c> times at a fixed rate: publish i starts at i / rate seconds, whether or
/// not earlier ones finished (a slow path must not lower the offered load), then all are awaited.
/// </summary>
public static class Publisher
{
    public static async Task<PublishReport> RunAsync(int count, double rate, Func<long, Task> publish, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var calls = new List<Task>(count);
        for (long seq = 0; seq < count; seq++)
        {
            var due = TimeSpan.FromSeconds(seq / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            calls.Add(publish(seq));
        }

        var failed = 0;
        string? firstError = null;
        foreach (var call in calls)
        {
            try
            {
                await call.WaitAsync(timeout);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failed++;
                firstError ??= ex.Message;
            }
        }

        return new PublishReport(count, failed, firstError, clock.Elapsed.TotalSeconds);
    }
}

public sealed record PublishReport(int Published, int Failed, string? FirstError, double Seconds);
