using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Notifications;

/// <summary>
/// A workspace's notifications to everyone. Each is kept (bounded) and sent one-way to the
/// notification grain of every member connected now; the others take their copies when they
/// next connect, and a member that sees a gap takes the missing ones from here.
/// </summary>
public sealed class WorkspaceNotificationFeedGrain(
    [PersistentState("feed", StorageNames.Realtime)] IPersistentState<WorkspaceFeedState> state,
    IOptions<NotificationOptions> options,
    TimeProvider timeProvider) : Grain, IWorkspaceNotificationFeedGrain
{
    private string WorkspaceId => this.GetPrimaryKeyString();

    public async Task<WorkspaceNotification> Publish(NotificationDraft draft)
    {
        NotificationDraftRules.EnsureValid(draft);
        var notification = new WorkspaceNotification(++state.State.LastSequence, draft, timeProvider.GetUtcNow());
        state.State.Items.Add(notification);
        if (state.State.Items.Count > options.Value.WorkspaceFeedSize)
        {
            state.State.Items.RemoveRange(0, state.State.Items.Count - options.Value.WorkspaceFeedSize);
        }

        await state.WriteStateAsync();

        var connected = await GrainFactory.GetGrain<IWorkspaceGrain>(WorkspaceId).GetConnectedUserIds();
        foreach (var userId in connected)
        {
            // One-way: a member's grain may call back (GetSince) to fill a gap.
            GrainFactory.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(WorkspaceId, userId))
                .ReceiveWorkspaceNotification(notification).Ignore();
        }

        return notification;
    }

    public Task<IReadOnlyList<WorkspaceNotification>> GetSince(long sequence) =>
        Task.FromResult<IReadOnlyList<WorkspaceNotification>>(state.State.Items.Where(i => i.Sequence > sequence).ToList());
}
