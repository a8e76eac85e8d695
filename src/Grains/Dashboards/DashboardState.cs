namespace Realtime.Grains.Dashboards;

/// <summary>The latest update of every key of a workspace's dashboard.</summary>
[GenerateSerializer, Alias("realtime.DashboardState")]
public sealed class DashboardState
{
    [Id(0)]
    public Dictionary<string, DashboardUpdate> Latest { get; set; } = new(StringComparer.Ordinal);
}
