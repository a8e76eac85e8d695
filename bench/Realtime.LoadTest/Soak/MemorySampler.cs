using Realtime.LoadTest.Metrics;
using Realtime.LoadTest.Systems;
using Realtime.Testing;

namespace Realtime.LoadTest.Soak;

/// <summary>
/// Resident memory of every silo, edge and Redis of the soak's cluster, every few seconds. A process
/// that was killed and started again is a new generation, judged against its own baseline.
/// </summary>
public sealed class MemorySampler(FaultCluster cluster, SoakLedger ledger)
{
    private readonly Dictionary<string, (int Pid, int Generation)> _known = new(StringComparer.Ordinal);

    public void SampleOnce()
    {
        var at = WallClock.NowMicros();
        foreach (var (name, pid) in Processes())
        {
            if (pid == 0)
            {
                continue;
            }

            var generation = _known.TryGetValue(name, out var known) ? (known.Pid == pid ? known.Generation : known.Generation + 1) : 1;
            _known[name] = (pid, generation);
            try
            {
                ledger.Add(new MemorySample(name, generation, pid, at, ProcessMemory.RssBytes(pid)));
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Died between the pid and the read: the next sample sees its successor.
            }
        }
    }

    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            SampleOnce();
            while (await timer.WaitForNextTickAsync(stop))
            {
                SampleOnce();
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private IEnumerable<(string Name, int Pid)> Processes()
    {
        for (var i = 0; i < cluster.SiloUrls.Count; i++)
        {
            yield return ($"silo{i + 1}", cluster.SiloPid(i));
        }

        for (var i = 0; i < cluster.EdgeUrls.Count; i++)
        {
            yield return ($"edge{i + 1}", cluster.EdgePid(i));
        }

        yield return ("redis", cluster.Redis.Pid);
    }
}
