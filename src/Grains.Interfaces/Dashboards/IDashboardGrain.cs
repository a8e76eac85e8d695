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
    /// The latest value of every key, oldest first. Every update published after this call reaches
    /// the caller's edge if a connection of the workspace is there (a subscribing connection reads
    /// this after registering its subscription on its edge, and misses nothing in between).
    /// </summary>
    [Alias("GetLatest"), ReadOnly]
    Task<IReadOnlyList<DashboardUpdate>> GetLatest();
}
