using Realtime.Testing.Metrics;

namespace Realtime.UnitTests.Benchmarks;

/// <summary>How a load-test worker hands its latencies to the parent process.</summary>
[Trait("Kind", "Unit")]
public sealed class LatencyHistogramTests
{
    [Fact]
    public void A_histogram_of_many_distinct_latencies_survives_the_trip_between_processes()
    {
        // Half a million latencies spread over 1 ms-2 s: a histogram HdrHistogram's own compressed
        // encoding turned into a payload its decoder refused, so a 5,000/s run printed no figures.
        var histogram = new LatencyHistogram();
        var random = new Random(7);
        for (var i = 0; i < 500_000; i++)
        {
            histogram.Record(random.NextInt64(1_000, 2_000_000));
        }

        var decoded = LatencyHistogram.Decode(histogram.Encode());

        Assert.Equal(histogram.Summarize(), decoded.Summarize());
        Assert.Equal(500_000, decoded.Count);
    }

    [Fact]
    public void An_empty_histogram_decodes_as_empty()
    {
        var decoded = LatencyHistogram.Decode(new LatencyHistogram().Encode());

        Assert.Equal(0, decoded.Count);
    }
}
