using Orleans.Concurrency;

namespace Realtime.Grains.Dashboards;

/// <summary>
/// Live dashboard and metrics of one workspace: keeps the latest value of every key (so a new
/// or reconnecting subscriber gets the current values at once) and pushes each update to the
/// workspace's edges, where subscribed connections receive it. Key: the workspace id.
/// </summary>
[Alias("realtime.IDashboardGrain")]
public interface IDashboardGrain : IGrainWithStringKey
{
    [Alias("Publish")]
    Task Publish(DashboardUpdate update);

    /// <summary>
    /// The latest value of every key, in the order they were accepted; with a position of this
    /// activation's (<paramref name="epoch"/>, <paramref name="afterVersion"/>) only those changed
    /// after it. Every update published after this call reaches the caller's edge if a connection
    /// of the workspace is there (a subscribing connection reads this after registering its
    /// subscription on its edge, and misses nothing in between).
    /// </summary>
    [Alias("GetLatest"), ReadOnly]
    Task<DashboardSnapshot> GetLatest(long epoch, long afterVersion);

    /// <summary>Whether a client's position can be recovered: it is of this activation and not ahead of it.</summary>
    [Alias("Recovers"), ReadOnly]
    Task<bool> Recovers(long epoch, long afterVersion);
}
