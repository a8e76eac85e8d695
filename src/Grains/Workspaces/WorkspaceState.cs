using Realtime.Grains.Presence;

namespace Realtime.Grains.Workspaces;

/// <summary>Persisted state of a workspace: each member's presence and where their connections live.</summary>
[GenerateSerializer, Alias("realtime.WorkspaceState")]
public sealed class WorkspaceState
{
    [Id(0)]
    public Dictionary<string, WorkspaceMember> Members { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A member as its presence grain last reported it.</summary>
[GenerateSerializer, Immutable, Alias("realtime.WorkspaceMember")]
public sealed record WorkspaceMember(
    [property: Id(0)] UserPresence Presence,
    [property: Id(1)] IReadOnlyDictionary<string, int> ConnectionsPerEdge);
