namespace Realtime.EdgeGateway.Identity;

/// <summary>Claim names of the wire contract (docs/protocol.md).</summary>
public static class RealtimeClaims
{
    public const string UserId = "sub";

    /// <summary>The workspaces granted: one value or a JSON array, read as one claim per workspace.</summary>
    public const string Workspaces = "workspaces";

    public const string Role = "role";

    /// <summary>Query parameter choosing the workspace of a connection.</summary>
    public const string WorkspaceIdQuery = "workspaceId";

    /// <summary>Query parameter carrying the token for browsers, which cannot set headers on WebSockets.</summary>
    public const string AccessTokenQuery = "access_token";
}
