namespace Realtime.EdgeGateway.Identity;

/// <summary>Authorization policy names.</summary>
public static class RealtimePolicies
{
    /// <summary>Hubs: authenticated, and a member of the workspace the connection names.</summary>
    public const string WorkspaceMember = nameof(WorkspaceMember);

    /// <summary>HTTP reads of a workspace: a member of it, or a service or admin.</summary>
    public const string WorkspaceReader = nameof(WorkspaceReader);

    /// <summary>Backend services and administrators (role service or admin): sending notifications, cluster-wide stats.</summary>
    public const string Service = nameof(Service);
}
