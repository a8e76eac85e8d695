using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Presence;

/// <summary>
/// Presence for backend services, over the grain interfaces: construct it
/// with the IClusterClient (or any IGrainFactory) of an Orleans client of the cluster.
/// </summary>
public sealed class PresenceService(IGrainFactory grains)
{
    /// <summary>Registers a connection of a user (the edge does this for its sockets). A connection
    /// must be vouched for by heartbeats, or the stale-presence sweep removes it.</summary>
    public Task<UserPresence> SetUserOnline(string workspaceId, string userId, string connectionId, string edgeId) =>
        User(workspaceId, userId).Connect(new EdgeConnection(connectionId, edgeId));

    /// <summary>Removes a connection; the user goes offline when it was the last.</summary>
    public Task<UserPresence> SetUserOffline(string workspaceId, string userId, string connectionId) =>
        User(workspaceId, userId).Disconnect(connectionId);

    public Task<UserPresence> UpdateUserPage(string workspaceId, string userId, string page) =>
        User(workspaceId, userId).Navigate(page);

    /// <summary>One page of a workspace's members in user id order; online and away ones only unless <paramref name="onlineOnly"/> is false.</summary>
    public Task<WorkspacePresence> GetWorkspacePresence(string workspaceId, string? cursor = null, int limit = PresencePage.DefaultLimit, bool onlineOnly = true) =>
        Workspace(workspaceId).GetPresence(new PresencePage(cursor, limit, onlineOnly));

    /// <summary>The user's presence, or null if the user was never seen in the workspace.</summary>
    public Task<UserPresence?> GetUserPresence(string workspaceId, string userId) => User(workspaceId, userId).GetPresence();

    /// <summary>Online or away: the user has a live connection and does not appear offline.</summary>
    public async Task<bool> IsUserOnline(string workspaceId, string userId) =>
        await GetUserPresence(workspaceId, userId) is { Status: not PresenceStatus.Offline };

    /// <summary>Removes every connection of the workspace whose heartbeats stopped, now rather than at the next sweep; returns how many.</summary>
    public async Task<int> CleanupStalePresence(string workspaceId)
    {
        var removed = 0;
        string? cursor = null;
        do
        {
            var page = await Workspace(workspaceId).GetPresence(new PresencePage(cursor, PresencePage.MaxLimit, OnlineOnly: false));
            var counts = await Task.WhenAll(page.Users.Select(u => User(workspaceId, u.UserId).CleanupStale()));
            removed += counts.Sum();
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return removed;
    }

    private IUserPresenceGrain User(string workspaceId, string userId) =>
        grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(RealtimeIds.EnsureValid(workspaceId), RealtimeIds.EnsureValid(userId)));

    private IWorkspaceGrain Workspace(string workspaceId) => grains.GetGrain<IWorkspaceGrain>(RealtimeIds.EnsureValid(workspaceId));
}
