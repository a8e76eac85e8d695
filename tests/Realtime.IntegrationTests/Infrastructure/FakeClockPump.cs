using Microsoft.Extensions.Time.Testing;

namespace Realtime.IntegrationTests.Infrastructure;

/// <summary>
/// Waits for events in a cluster whose grains run on a FakeTimeProvider. Stream pulling agents
/// are grain timers too, so nothing is delivered unless the test clock moves: while waiting, the
/// clock is moved on in small steps (far below any timeout under test) until the event arrives.
/// </summary>
public static class FakeClockPump
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    public static async Task<T> WaitForAsync<T>(this EventLog<T> log, FakeTimeProvider clock, Func<T, bool> match, string because)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            var found = log.Snapshot().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {because}; received: {string.Join(" | ", log.Snapshot())}");
            }

            clock.Advance(Step);
            await Task.Delay(5);
        }
    }
}
