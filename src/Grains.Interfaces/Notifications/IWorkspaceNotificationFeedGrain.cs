using Orleans.Concurrency;

namespace Realtime.Grains.Notifications;

/// <summary>
/// Notifications to a whole workspace (bounded). Members connected now get theirs at once;
/// the others pick them up when they next connect, each with their own read state.
/// Key: the workspace id.
/// </summary>
[Alias("realtime.IWorkspaceNotificationFeedGrain")]
public interface IWorkspaceNotificationFeedGrain : IGrainWithStringKey
{
    [Alias("Publish")]
    Task<WorkspaceNotification> Publish(NotificationDraft draft);

    /// <summary>The retained notifications after <paramref name="sequence"/>, oldest first.</summary>
    [Alias("GetSince"), ReadOnly]
    Task<IReadOnlyList<WorkspaceNotification>> GetSince(long sequence);
}
