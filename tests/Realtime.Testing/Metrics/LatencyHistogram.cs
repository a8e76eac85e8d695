using System.Globalization;
using HdrHistogram;

namespace Realtime.Testing.Metrics;

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

    /// <summary>
    /// The recorded values as "value:count" pairs: how a worker sends its histogram to the parent.
    /// Not HdrHistogram's compressed encoding: its decoder (2.5.0) refuses some large histograms
    /// ("does not contain the indicated payload amount", a partial read of its inflate stream).
    /// </summary>
    public string Encode()
    {
        // From a copy: receive loops keep recording while a worker reports.
        var stable = _histogram.Copy();
        return string.Join(',', stable.RecordedValues().Select(v =>
            string.Create(CultureInfo.InvariantCulture, $"{v.ValueIteratedTo}:{v.CountAtValueIteratedTo}")));
    }

    public static LatencyHistogram Decode(string encoded)
    {
        var merged = new LatencyHistogram(new LongHistogram(1, HighestMicros, 3));
        foreach (var pair in encoded.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.IndexOf(':');
            merged._histogram.RecordValueWithCount(
                long.Parse(pair.AsSpan(0, colon), CultureInfo.InvariantCulture),
                long.Parse(pair.AsSpan(colon + 1), CultureInfo.InvariantCulture));
        }

        return merged;
    }

    private static double Millis(long micros) => micros / 1000.0;
}
