namespace Realtime.Grains.Notifications;

/// <summary>
/// The persisted index of one user's notifications in one workspace. The notifications themselves
/// are kept in pages (<see cref="NotificationPages"/>), each its own storage record, so that
/// accepting or reading one writes a page and this index, whatever the number kept.
/// </summary>
[GenerateSerializer, Alias("realtime.NotificationState")]
public sealed class NotificationState
{
    /// <summary>Where earlier versions kept every notification, written whole on each change; moved into pages when read.</summary>
    [Id(0)]
    public List<StoredNotification> Items { get; set; } = [];

    /// <summary>Sequence of the newest notification ever given to this user (ids keep growing past removed ones).</summary>
    [Id(1)]
    public long LastSequence { get; set; }

    /// <summary>The newest workspace-wide notification this user has a copy of.</summary>
    [Id(2)]
    public long LastWorkspaceSequence { get; set; }

    /// <summary>The pages that hold notifications, ascending.</summary>
    [Id(3)]
    public List<long> Pages { get; set; } = [];
}

/// <summary>Up to <see cref="NotificationPages.PageSize"/> notifications of consecutive sequences, oldest first.</summary>
[GenerateSerializer, Alias("realtime.StoredNotificationPage")]
public sealed class StoredNotificationPage
{
    [Id(0)]
    public List<StoredNotification> Items { get; set; } = [];
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
