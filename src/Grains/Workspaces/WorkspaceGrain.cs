using Realtime.Grains.Hosting;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.Grains.Workspaces;

/// <summary>
/// Keeps the presence of a workspace's members and the edges holding its connections, and
/// tells those edges (once each) when a member's visible presence changes.
/// </summary>
public sealed class WorkspaceGrain(
    [PersistentState("workspace", StorageNames.Realtime)] IPersistentState<WorkspaceState> state,
    TimeProvider timeProvider) : Grain, IWorkspaceGrain
{
    private EdgePublisher? _publisher;

    private string WorkspaceId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _publisher = new EdgePublisher(this.GetStreamProvider(StreamNames.Provider), timeProvider);
        return Task.CompletedTask;
    }

    public Task ConnectionOpened(string edgeId, UserPresence presence)
    {
        state.State.EdgeConnections[edgeId] = state.State.EdgeConnections.GetValueOrDefault(edgeId) + 1;
        return ApplyAsync(presence);
    }

    public Task ConnectionClosed(string edgeId, UserPresence presence)
    {
        var remaining = state.State.EdgeConnections.GetValueOrDefault(edgeId) - 1;
        if (remaining > 0)
        {
            state.State.EdgeConnections[edgeId] = remaining;
        }
        else
        {
            state.State.EdgeConnections.Remove(edgeId);
        }

        return ApplyAsync(presence);
    }

    public Task PresenceChanged(UserPresence presence) => ApplyAsync(presence);

    public Task<WorkspacePresence> GetPresence()
    {
        var users = state.State.Members.Values
            .OrderBy(p => p.Status == PresenceStatus.Offline)
            .ThenBy(p => p.UserId, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(new WorkspacePresence(WorkspaceId, users));
    }

    public Task<IReadOnlyDictionary<string, int>> GetEdges() =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(state.State.EdgeConnections));

    private async Task ApplyAsync(UserPresence presence)
    {
        state.State.Members.TryGetValue(presence.UserId, out var previous);
        state.State.Members[presence.UserId] = presence;
        await state.WriteStateAsync();

        if (presence.IsVisiblyDifferentFrom(previous))
        {
            await _publisher!.PublishAsync(
                state.State.EdgeConnections.Keys,
                RealtimeHubs.Realtime | RealtimeHubs.Presence,
                EventAudience.Workspace(WorkspaceId),
                RealtimeEvents.PresenceUpdate,
                new WorkspacePresence(WorkspaceId, [presence]));
        }
    }
}
