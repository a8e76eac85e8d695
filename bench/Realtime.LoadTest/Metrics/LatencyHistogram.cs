using System.Text;
using HdrHistogram;

namespace Realtime.LoadTest.Metrics;

/// <summary>
/// Publish-to-receipt latencies of one process in microseconds: one lock-free histogram that
/// every receive loop records into, encoded as an HdrHistogram log to travel between processes.
/// </summary>
public sealed class LatencyHistogram
{
    public const long HighestMicros = 120_000_000;

    private readonly HistogramBase _histogram;

    public LatencyHistogram()
        : this(new LongConcurrentHistogram(1, HighestMicros, 3))
    {
    }

    private LatencyHistogram(HistogramBase histogram) => _histogram = histogram;

    public long Count => _histogram.TotalCount;

    public void Record(long micros) => _histogram.RecordValue(Math.Clamp(micros, 1, HighestMicros));

    public void Add(LatencyHistogram other) => _histogram.Add(other._histogram);

    public LatencySummary Summarize() => _histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            _histogram.TotalCount,
            Millis(_histogram.GetValueAtPercentile(50)),
            Millis(_histogram.GetValueAtPercentile(95)),
            Millis(_histogram.GetValueAtPercentile(99)),
            Millis(_histogram.GetMaxValue()),
            _histogram.GetMean() / 1000.0);

    public string Encode()
    {
        using var stream = new MemoryStream();
        using (var writer = new HistogramLogWriter(stream))
        {
            writer.Write(DateTime.UnixEpoch, _histogram);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static LatencyHistogram Decode(string log)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(log));
        using var reader = new HistogramLogReader(stream);
        var merged = new LatencyHistogram(new LongHistogram(1, HighestMicros, 3));
        foreach (var histogram in reader.ReadHistograms())
        {
            merged._histogram.Add(histogram);
        }

        return merged;
    }

    private static double Millis(long micros) => micros / 1000.0;
}
