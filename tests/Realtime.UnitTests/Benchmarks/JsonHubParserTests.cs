using System.Text;
using Realtime.Testing.Wire;

namespace Realtime.UnitTests.Benchmarks;

/// <summary>
/// The load test's JSON frame reader: every client reads seq and sentAt; only the reconnect
/// scenario's clients ask for recoveryPosition and recovered, since the position is a string per message.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class JsonHubParserTests
{
    private static readonly byte[] Tick = Record("""{"type":1,"target":"bench:tick","arguments":[{"seq":41,"sentAt":1700000000000000,"recoveryPosition":"w1:0:97"}]}""");

    [Fact]
    public void A_tick_read_without_the_recovery_fields_leaves_its_position_unread()
    {
        var message = Parse(Tick, recovery: false);

        Assert.Equal((1, HubTarget.Tick, 41L, 1700000000000000L), (message.Type, message.Target, message.Seq, message.SentAtMicros));
        Assert.Null(message.RecoveryPosition);
    }

    [Fact]
    public void A_tick_read_with_the_recovery_fields_carries_its_position()
    {
        var message = Parse(Tick, recovery: true);

        Assert.Equal((HubTarget.Tick, 41L, "w1:0:97"), (message.Target, message.Seq, message.RecoveryPosition));
    }

    [Fact]
    public void Reading_a_tick_without_the_recovery_fields_allocates_nothing()
    {
        // The broadcast scenario reads every received frame this way: a string per frame would be
        // garbage the load generator collects while it measures.
        var message = default(HubMessage);
        JsonHubParser.Parse(Tick, ref message, online: null);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            JsonHubParser.Parse(Tick, ref message, online: null);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(41, message.Seq);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Connected_says_whether_the_connection_recovered(string recovered, bool expected)
    {
        var connected = Record($$"""{"type":1,"target":"connected","arguments":[{"connectionId":"c1","userId":"u1","workspaceId":"w1","recovered":{{recovered}}}]}""");

        var message = Parse(connected, recovery: true);

        Assert.Equal((HubTarget.Connected, expected), (message.Target, message.Recovered));
    }

    [Fact]
    public void The_warm_up_load_is_read_only_for_its_position()
    {
        var load = Record("""{"type":1,"target":"bench:warmup-load","arguments":[{"seq":3,"sentAt":1,"recoveryPosition":"w1:0:5"}]}""");

        var plain = Parse(load, recovery: false);
        var recovering = Parse(load, recovery: true);

        Assert.Equal((HubTarget.WarmupLoad, -1L, (string?)null), (plain.Target, plain.Seq, plain.RecoveryPosition));
        Assert.Equal((HubTarget.WarmupLoad, "w1:0:5"), (recovering.Target, recovering.RecoveryPosition));
    }

    [Fact]
    public void A_position_from_an_earlier_frame_does_not_stay_on_the_next()
    {
        var message = default(HubMessage);
        JsonHubParser.Parse(Tick, ref message, online: null, recovery: true);
        JsonHubParser.Parse(Record("""{"type":1,"target":"bench:warmup","arguments":[{"seq":0}]}"""), ref message, online: null, recovery: true);

        Assert.Equal((HubTarget.Warmup, (string?)null), (message.Target, message.RecoveryPosition));
    }

    private static HubMessage Parse(byte[] record, bool recovery)
    {
        var message = default(HubMessage);
        JsonHubParser.Parse(record, ref message, online: null, recovery);
        return message;
    }

    /// <summary>A JSON hub message as the parser gets it: without its 0x1E separator.</summary>
    private static byte[] Record(string json) => Encoding.UTF8.GetBytes(json);
}
