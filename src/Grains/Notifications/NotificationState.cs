namespace Realtime.Grains.Notifications;

/// <summary>Persisted notifications of one user in one workspace, oldest first.</summary>
[GenerateSerializer, Alias("realtime.NotificationState")]
public sealed class NotificationState
{
    [Id(0)]
    public List<StoredNotification> Items { get; set; } = [];

    /// <summary>Sequence of the newest notification ever given to this user (ids keep growing past removed ones).</summary>
    [Id(1)]
    public long LastSequence { get; set; }

    /// <summary>The newest workspace-wide notification this user has a copy of.</summary>
    [Id(2)]
    public long LastWorkspaceSequence { get; set; }
}

/// <summary>A notification with its sequence, the part of its id that orders it.</summary>
[GenerateSerializer, Immutable, Alias("realtime.StoredNotification")]
public sealed record StoredNotification(
    [property: Id(0)] long Sequence,
    [property: Id(1)] Notification Notification);

[GenerateSerializer, Alias("realtime.WorkspaceFeedState")]
public sealed class WorkspaceFeedState
{
    [Id(0)]
    public List<WorkspaceNotification> Items { get; set; } = [];

    [Id(1)]
    public long LastSequence { get; set; }
}
