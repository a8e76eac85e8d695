using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.UnitTests.Grains;

/// <summary>The opaque position a client gets in each recoverable payload and passes back to recover.</summary>
[Trait("Kind", "Unit")]
public sealed class RecoveryPositionTests
{
    [Fact]
    public void A_position_reads_back_only_for_its_own_workspace()
    {
        var position = new RecoveryPosition("ws-1", 123456789, 42);
        var text = position.ToString();

        Assert.Equal(position, RecoveryPosition.TryParse(text, "ws-1"));
        Assert.Null(RecoveryPosition.TryParse(text, "ws-2"));
        Assert.DoesNotContain(text, c => c is '+' or '/' or '=' or '&');
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("%%%")]
    [InlineData("dzEuLTEuMi53cy0x")] // w1.-1.2.ws-1: a negative epoch
    [InlineData("dzIuMS4yLndzLTE")] // w2.1.2.ws-1: another version
    [InlineData("_-_-_-_-")]
    public void Anything_else_is_no_position(string? text) => Assert.Null(RecoveryPosition.TryParse(text, "ws-1"));

    [Fact]
    public void Too_long_is_no_position() => Assert.Null(RecoveryPosition.TryParse(new string('A', RecoveryPosition.MaxLength + 1), "ws-1"));

    [Fact]
    public void Stamping_sets_the_position_on_an_object_replacing_one_a_service_put_there_and_leaves_other_values()
    {
        var position = new RecoveryPosition("ws-1", 7, 9);

        var stamped = position.StampOn(new RawJson("""{"a":1,"recoveryPosition":"forged","b":[2]}"""));

        Assert.Equal($$"""{"a":1,"b":[2],"recoveryPosition":"{{position}}"}""", stamped.Json);
        Assert.Equal(position, RecoveryPosition.ReadFrom(stamped, "ws-1"));
        Assert.Equal("[1,2]", position.StampOn(new RawJson("[1,2]")).Json);
        Assert.Null(RecoveryPosition.ReadFrom(new RawJson("[1,2]"), "ws-1"));
    }
}
