namespace Realtime.LoadTest.Clients;

/// <summary>All clients of a run: in this process when one process suffices, else split over worker processes.</summary>
public sealed class ClientFleet : IAsyncDisposable
{
    private readonly List<IClientGroup> _groups;

    private ClientFleet(List<IClientGroup> groups) => _groups = groups;

    public IReadOnlyList<IClientGroup> Groups => _groups;

    /// <summary>Splits <paramref name="spec"/> (FirstUser 0, Count N) over <paramref name="processes"/> processes; 1 means this one.</summary>
    public static ClientFleet Create(ClientSpec spec, int processes)
    {
        if (processes <= 1)
        {
            return new ClientFleet([new LocalClientGroup(spec)]);
        }

        var groups = new List<IClientGroup>();
        for (var p = 0; p < processes; p++)
        {
            var first = spec.Count * p / processes;
            var next = spec.Count * (p + 1) / processes;
            groups.Add(new WorkerClientGroup(spec with { FirstUser = first, Count = next - first }));
        }

        return new ClientFleet(groups);
    }

    public async Task<ConnectReport> ConnectAsync(TimeSpan timeout) =>
        ConnectReport.Merge(await Task.WhenAll(_groups.Select(g => g.ConnectAsync(timeout))));

    /// <summary>Waits until every group meets its own condition (a group's share of the deliveries, say).</summary>
    public async Task<bool> WaitUntilAsync(Func<ClientSpec, GroupCondition> condition, TimeSpan timeout) =>
        (await Task.WhenAll(_groups.Select(g => g.WaitUntilAsync(condition(g.Spec), timeout)))).All(ok => ok);

    public async Task<(GroupReport Report, Testing.Metrics.LatencyHistogram Latencies)> ReportAsync()
    {
        var parts = await Task.WhenAll(_groups.Select(g => g.ReportAsync()));
        var latencies = new Testing.Metrics.LatencyHistogram();
        foreach (var part in parts)
        {
            latencies.Add(Testing.Metrics.LatencyHistogram.Decode(part.Histogram));
        }

        return (GroupReport.Merge(parts), latencies);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_groups.Select(g => g.DisposeAsync().AsTask()));
    }
}
