using Realtime.EdgeGateway.Dashboards;
using Realtime.Grains.Dashboards;

namespace Realtime.UnitTests.Edge;

/// <summary>The per-connection outbox: latest value wins while the client is slow; hopelessly behind, it closes.</summary>
[Trait("Kind", "Unit")]
public sealed class ConflatingOutboxTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_slow_client_gets_the_newest_value_of_each_key_not_a_backlog()
    {
        var sent = new EventLog<DashboardUpdate>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var conflated = 0;
        var outbox = new ConflatingOutbox(async u => { await gate.Task; sent.Add(u); }, maxPendingKeys: 10, onOverflow: () => { }, onConflated: () => Interlocked.Increment(ref conflated));

        outbox.Enqueue(Update("cpu", 1));      // being sent, held at the gate
        await Eventually.UntilAsync(() => Task.FromResult(outbox.Pending), n => n == 0, "the first update taken for sending");
        for (var i = 2; i <= 50; i++)
        {
            outbox.Enqueue(Update("cpu", i));
            outbox.Enqueue(Update("ram", i));
        }

        outbox.Enqueue(Update("cpu", 3)); // older than what waits: ignored
        gate.SetResult();

        await sent.WaitForAsync(u => u.Key == "ram", "ram sent");
        Assert.Equal([("cpu", 1), ("cpu", 50), ("ram", 50)], sent.Snapshot().Select(u => (u.Key, (int)((MetricsUpdateEvent)u.Payload).Value)));

        // cpu 2..49 and ram 2..49 replaced while waiting, and the late cpu 3: counted as conflated.
        Assert.Equal(48 + 48 + 1, conflated);
        outbox.Enqueue(Update("ram", 40)); // older than the ram already sent
        Assert.Equal(98, conflated);
    }

    [Fact]
    public async Task Too_many_keys_waiting_closes_the_outbox()
    {
        var overflowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new TaskCompletionSource();
        var outbox = new ConflatingOutbox(_ => stuck.Task, maxPendingKeys: 3, onOverflow: overflowed.SetResult);

        for (var i = 0; i < 5; i++)
        {
            outbox.Enqueue(Update($"k{i}", i));
        }

        await overflowed.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(0, outbox.Pending);
    }

    private static DashboardUpdate Update(string key, int value) =>
        new("metrics:update", key, null, new MetricsUpdateEvent("w", T0.AddSeconds(value), key, value, null), T0.AddSeconds(value));
}
