using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Presence;

/// <summary>Presence behaviour of the silos. Section "Presence".</summary>
public sealed class PresenceOptions
{
    public const string SectionName = "Presence";

    /// <summary>Without activity for this long, a connected user is away (unless they chose a status).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A typing indicator not renewed within this time lapses (a false is sent for it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan TypingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A connection no edge has vouched for (heartbeat) for this long is stale and removed by the
    /// sweep. Must be well above the edges' Edge:HeartbeatInterval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StaleConnectionTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Period of the stale-presence sweep reminder of each presence grain with connections.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Up to this many active (online or away) members, a presence change goes out at once, alone.</summary>
    [Range(0, 1_000_000)]
    public int ImmediateBroadcastLimit { get; set; } = 100;

    /// <summary>Above <see cref="ImmediateBroadcastLimit"/>, changes are sent at most once per this interval, batched.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan CoalesceInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Above this many active members, clients get presence:summary instead of every change,
    /// plus the changes of the users, resources and conversations they have an interest in.
    /// </summary>
    [Range(1, 10_000_000)]
    public int SummaryThreshold { get; set; } = 1000;

    /// <summary>How often a workspace writes its changed member list to storage (it is rebuilt from presence grains too).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan WorkspacePersistInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an edge's lease is checked for expiry while its grain is active.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan EdgeLeaseCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Backstop reminder of edge leases, for when the edge and the silo holding its lease die together.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan EdgeLeaseReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
