namespace Realtime.LoadTest.Metrics;

/// <summary>
/// The one clock publisher and clients share: wall time in Unix microseconds. Publisher and
/// clients run on the same machine (loopback only), so their clocks agree.
/// </summary>
public static class WallClock
{
    public static long NowMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
