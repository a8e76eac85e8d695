using Realtime.Grains.Hosting;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Presence;

/// <summary>
/// Owns one user's connections in one workspace and derives their status from them. Every
/// change is reported to the workspace grain, which tells the workspace's edges.
/// </summary>
public sealed class UserPresenceGrain(
    [PersistentState("presence", StorageNames.Realtime)] IPersistentState<UserPresenceState> state,
    TimeProvider timeProvider) : Grain, IUserPresenceGrain
{
    private string _workspaceId = "";
    private string _userId = "";

    private IWorkspaceGrain Workspace => GrainFactory.GetGrain<IWorkspaceGrain>(_workspaceId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_workspaceId, _userId) = RealtimeIds.ParseUserInWorkspace(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<UserPresence> Connect(EdgeConnection connection)
    {
        var now = timeProvider.GetUtcNow();
        if (!state.State.Connections.TryAdd(connection.ConnectionId, new ConnectionEntry(connection.EdgeId, now)))
        {
            return Snapshot();
        }

        state.State.Seen = true;
        state.State.LastSeen = now;
        await state.WriteStateAsync();

        var presence = Snapshot();
        await Workspace.ConnectionOpened(connection.EdgeId, presence);
        return presence;
    }

    public async Task<UserPresence> Disconnect(string connectionId)
    {
        if (!state.State.Connections.Remove(connectionId, out var entry))
        {
            return Snapshot();
        }

        state.State.LastSeen = timeProvider.GetUtcNow();
        if (state.State.Connections.Count == 0)
        {
            // What a user was doing ends with their last connection; their last page is kept.
            state.State.Activity = null;
        }

        await state.WriteStateAsync();

        var presence = Snapshot();
        await Workspace.ConnectionClosed(entry.EdgeId, presence);
        return presence;
    }

    public async Task<UserPresence> Navigate(string page)
    {
        if (string.Equals(state.State.CurrentPage, page, StringComparison.Ordinal))
        {
            return Snapshot();
        }

        state.State.CurrentPage = page;
        state.State.LastSeen = timeProvider.GetUtcNow();
        await state.WriteStateAsync();

        var presence = Snapshot();
        await Workspace.PresenceChanged(presence);
        return presence;
    }

    public Task<UserPresence?> GetPresence() =>
        Task.FromResult(state.State.Seen ? Snapshot() : null);

    private UserPresence Snapshot() => new(
        _userId,
        _workspaceId,
        state.State.Connections.Count > 0 ? PresenceStatus.Online : PresenceStatus.Offline,
        state.State.CurrentPage,
        state.State.LastSeen,
        state.State.Connections.Count,
        state.State.Activity);
}
