using Realtime.Grains.Presence;

namespace Realtime.Grains.Workspaces;

/// <summary>Persisted state of a workspace: its members' presence and where its connections live.</summary>
[GenerateSerializer, Alias("realtime.WorkspaceState")]
public sealed class WorkspaceState
{
    [Id(0)]
    public Dictionary<string, UserPresence> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Number of this workspace's connections on each edge; edges with none are removed.</summary>
    [Id(1)]
    public Dictionary<string, int> EdgeConnections { get; set; } = new(StringComparer.Ordinal);
}
