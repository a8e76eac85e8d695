using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Workspaces;

/// <summary>How much of its recent events a workspace keeps to repair what an edge missed. Section "Recovery".</summary>
public sealed class RecoveryOptions
{
    public const string SectionName = "Recovery";

    /// <summary>How long a workspace keeps an event for edges that missed it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many events are kept per workspace (the oldest go first).</summary>
    [Range(1, 100_000)]
    public int WorkspaceEvents { get; set; } = 256;

    /// <summary>At most this many bytes of kept broadcast payloads per workspace (the oldest go first).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int WorkspaceBytes { get; set; } = 1024 * 1024;
}
