using HdrHistogram;
using HdrHistogram.Utilities;

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

    /// <summary>The compressed HdrHistogram encoding, base64: how a worker sends its histogram to the parent.</summary>
    public string Encode()
    {
        // Encoded from a copy: receive loops keep recording, and a histogram that changes while it
        // is encoded gives a payload its decoder refuses ("does not contain the indicated payload").
        var stable = _histogram.Copy();
        var buffer = ByteBuffer.Allocate(stable.GetNeededByteBufferCapacity());
        var bytes = new byte[stable.EncodeIntoCompressedByteBuffer(buffer)];
        buffer.Position = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    public static LatencyHistogram Decode(string encoded)
    {
        var merged = new LatencyHistogram(new LongHistogram(1, HighestMicros, 3));
        if (encoded.Length > 0)
        {
            var buffer = ByteBuffer.Allocate(Convert.FromBase64String(encoded));
            buffer.Position = 0;
            merged._histogram.Add(HistogramEncoding.DecodeFromCompressedByteBuffer(buffer, 0));
        }

        return merged;
    }

    private static double Millis(long micros) => micros / 1000.0;
}
