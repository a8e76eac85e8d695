namespace Realtime.Grains.Notifications;

/// <summary>A notification to a whole workspace, as its feed keeps it; each member gets a copy of their own.</summary>
[GenerateSerializer, Immutable, Alias("realtime.WorkspaceNotification")]
public sealed record WorkspaceNotification(
    [property: Id(0)] long Sequence,
    [property: Id(1)] NotificationDraft Draft,
    [property: Id(2)] DateTimeOffset CreatedAt);

/// <summary>
/// What a connection missed, sent to it alone on its edge's stream: the missed notifications in
/// order, then the unread count. With <see cref="GoLive"/> the connection receives live
/// notifications from then on, so that none is both caught up and delivered live.
/// <see cref="LatestId"/> is the newest notification of the user at the barrier (null: none yet):
/// the edge's mark of what the connection has had, should it need to attach again.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.NotificationCatchUp")]
public sealed record NotificationCatchUp(
    [property: Id(0)] IReadOnlyList<Notification> Missed,
    [property: Id(1)] int UnreadCount,
    [property: Id(2)] bool GoLive,
    [property: Id(3)] string? LatestId = null);
