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

    /// <summary>The latest value of every key, oldest first.</summary>
    [Alias("GetLatest"), ReadOnly]
    Task<IReadOnlyList<DashboardUpdate>> GetLatest();
}
