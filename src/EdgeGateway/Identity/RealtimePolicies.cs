namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// Authorization policy names: the only place roles and workspaces are checked (the table in
/// docs/security.md says which endpoint and hub event uses which).
/// </summary>
public static class RealtimePolicies
{
    /// <summary>
    /// Hub connections, every hub event, a user's own notifications: role member or admin, and the
    /// token grants the workspace the connection or route names.
    /// </summary>
    public const string WorkspaceMember = nameof(WorkspaceMember);

    /// <summary>HTTP reads of a workspace: as <see cref="WorkspaceMember"/>, or role service or admin for any workspace.</summary>
    public const string WorkspaceReader = nameof(WorkspaceReader);

    /// <summary>Backend services and administrators (role service or admin): sending notifications, cluster-wide stats.</summary>
    public const string Service = nameof(Service);
}
