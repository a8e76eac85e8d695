namespace Realtime.Grains.Broadcasting;

/// <summary>
/// Sums what the silos roll up. Held in memory only; reports refill it (edges within a lease
/// renewal). Roll-ups of different silos can arrive out of order (a workspace grain that moved,
/// an edge grain reactivated elsewhere), so the newest report of each edge and workspace is kept,
/// not the last to arrive.
/// </summary>
public sealed class ClusterStatsGrain(TimeProvider timeProvider) : Grain, IClusterStatsGrain
{
    /// <summary>
    /// How long an ended edge or emptied workspace is remembered, so that an older report still
    /// waiting in another silo's roll-up cannot bring it back; far longer than any roll-up waits.
    /// </summary>
    private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, EdgeReport> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorkspaceReport> _workspaces = new(StringComparer.Ordinal);
    private long _eventsBroadcast;
    private DateTimeOffset _nextCleanup;

    public Task Roll(StatsRollup rollup)
    {
        foreach (var edge in rollup.Edges)
        {
            if (edge.Supersedes(_edges.GetValueOrDefault(edge.EdgeId)))
            {
                _edges[edge.EdgeId] = edge;
            }
        }

        foreach (var workspace in rollup.Workspaces)
        {
            if (workspace.Supersedes(_workspaces.GetValueOrDefault(workspace.WorkspaceId)))
            {
                _workspaces[workspace.WorkspaceId] = workspace;
            }
        }

        _eventsBroadcast += rollup.EventsBroadcast;
        ForgetOldEntries();
        return Task.CompletedTask;
    }

    public Task ReportEdge(string edgeId, int connections, DateTimeOffset leaseUntil) =>
        Roll(new StatsRollup([new EdgeReport(edgeId, connections, leaseUntil, Left: false)], [], 0));

    public Task RemoveEdge(string edgeId) =>
        _edges.TryGetValue(edgeId, out var edge) ? Roll(new StatsRollup([edge with { Left = true }], [], 0)) : Task.CompletedTask;

    public Task ReportWorkspace(string workspaceId, int connections, int onlineUsers) =>
        Roll(new StatsRollup([], [new WorkspaceReport(workspaceId, connections, onlineUsers, timeProvider.GetUtcNow())], 0));

    public Task CountBroadcasts(long events) => Roll(new StatsRollup([], [], events));

    public Task<ClusterStats> GetStats()
    {
        var live = LiveEdges().ToList();
        var workspaces = _workspaces.Values.Where(w => !w.IsEmpty).ToList();
        return Task.FromResult(new ClusterStats(
            live.Sum(e => e.Connections),
            workspaces.Sum(w => w.OnlineUsers),
            workspaces.Count,
            _eventsBroadcast,
            live.Count));
    }

    public Task<IReadOnlyList<string>> GetLiveEdges() => Task.FromResult<IReadOnlyList<string>>(LiveEdges().Select(e => e.EdgeId).ToList());

    private IEnumerable<EdgeReport> LiveEdges()
    {
        var now = timeProvider.GetUtcNow();
        return _edges.Values.Where(e => !e.Left && e.LeaseUntil > now);
    }

    private void ForgetOldEntries()
    {
        var now = timeProvider.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }

        _nextCleanup = now + Remembered;
        foreach (var edge in _edges.Values.Where(e => e.LeaseUntil + Remembered < now).ToList())
        {
            _edges.Remove(edge.EdgeId);
        }

        foreach (var workspace in _workspaces.Values.Where(w => w.IsEmpty && w.ReportedAt + Remembered < now).ToList())
        {
            _workspaces.Remove(workspace.WorkspaceId);
        }
    }
}
