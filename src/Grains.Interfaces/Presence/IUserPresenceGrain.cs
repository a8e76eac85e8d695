namespace Realtime.Grains.Presence;

/// <summary>
/// Presence of one user in one workspace, across all of their connections on every edge.
/// Key: <see cref="RealtimeIds.UserInWorkspace"/> ("workspaceId/userId").
/// </summary>
[Alias("realtime.IUserPresenceGrain")]
public interface IUserPresenceGrain : IGrainWithStringKey
{
    /// <summary>Registers a live connection; the user is online while any connection lives.</summary>
    [Alias("Connect")]
    Task<UserPresence> Connect(EdgeConnection connection);

    /// <summary>Removes a connection; the user goes offline when it was the last one. Unknown ids are ignored.</summary>
    [Alias("Disconnect")]
    Task<UserPresence> Disconnect(string connectionId);

    /// <summary>Records the page the user is on.</summary>
    [Alias("Navigate")]
    Task<UserPresence> Navigate(string page);

    /// <summary>The user's presence, or null when the user was never seen in the workspace.</summary>
    [Alias("GetPresence")]
    Task<UserPresence?> GetPresence();
}
