namespace Realtime.EdgeGateway.Identity;

/// <summary>Authorization policy names.</summary>
public static class RealtimePolicies
{
    /// <summary>Authenticated, and a member of the workspace the connection names.</summary>
    public const string WorkspaceMember = nameof(WorkspaceMember);
}
