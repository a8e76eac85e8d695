using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Broadcasting;

/// <summary>How the cluster stats are gathered. Section "Stats".</summary>
public sealed class StatsOptions
{
    public const string SectionName = "Stats";

    /// <summary>
    /// How often each silo sends what its grains reported (edge leases, workspace counts, broadcasts)
    /// to the cluster stats grain: that grain takes one call per silo per interval whatever the
    /// number of edges and workspaces, and `GET /realtime/stats` lags by up to this much more.
    /// Zero sends every report on at once, one call each (for comparison only: the load then grows
    /// with edges and workspaces).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(1);
}
