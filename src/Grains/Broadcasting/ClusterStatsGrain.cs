namespace Realtime.Grains.Broadcasting;

/// <summary>Sums what edges and workspaces report. Held in memory only; reports refill it within a lease renewal.</summary>
public sealed class ClusterStatsGrain(TimeProvider timeProvider) : Grain, IClusterStatsGrain
{
    private readonly Dictionary<string, (int Connections, DateTimeOffset LeaseUntil)> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Connections, int Online)> _workspaces = new(StringComparer.Ordinal);
    private long _eventsBroadcast;

    public Task ReportEdge(string edgeId, int connections, DateTimeOffset leaseUntil)
    {
        _edges[edgeId] = (connections, leaseUntil);
        return Task.CompletedTask;
    }

    public Task RemoveEdge(string edgeId)
    {
        _edges.Remove(edgeId);
        return Task.CompletedTask;
    }

    public Task ReportWorkspace(string workspaceId, int connections, int onlineUsers)
    {
        if (connections == 0 && onlineUsers == 0)
        {
            _workspaces.Remove(workspaceId);
        }
        else
        {
            _workspaces[workspaceId] = (connections, onlineUsers);
        }

        return Task.CompletedTask;
    }

    public Task CountBroadcasts(long events)
    {
        _eventsBroadcast += events;
        return Task.CompletedTask;
    }

    public Task<ClusterStats> GetStats()
    {
        var live = LiveEdges().ToList();
        return Task.FromResult(new ClusterStats(
            live.Sum(id => _edges[id].Connections),
            _workspaces.Values.Sum(w => w.Online),
            _workspaces.Count,
            _eventsBroadcast,
            live.Count));
    }

    public Task<IReadOnlyList<string>> GetLiveEdges() => Task.FromResult<IReadOnlyList<string>>(LiveEdges().ToList());

    private IEnumerable<string> LiveEdges()
    {
        var now = timeProvider.GetUtcNow();
        return _edges.Where(e => e.Value.LeaseUntil > now).Select(e => e.Key);
    }
}
