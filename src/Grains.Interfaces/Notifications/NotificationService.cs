namespace Realtime.Grains.Notifications;

/// <summary>
/// Notifications for backend services, over the grain interfaces: construct it
/// with the IClusterClient (or any IGrainFactory) of an Orleans client of the cluster.
/// Bad input (unknown type, empty title, oversized fields, invalid ids) throws ArgumentException.
/// </summary>
public sealed class NotificationService(IGrainFactory grains)
{
    /// <summary>To one user: every connection of theirs, on every edge; kept until read.</summary>
    public Task<Notification> SendNotification(string userId, string workspaceId, string type, string title, string message, object? data = null) =>
        grains.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(RealtimeIds.EnsureValid(workspaceId), RealtimeIds.EnsureValid(userId)))
            .Send(new NotificationDraft(type, title, message, ToJson(data)));

    /// <summary>To everyone in the workspace; members who are offline find it when they next connect.</summary>
    public Task<WorkspaceNotification> SendWorkspaceNotification(string workspaceId, string type, string title, string message, object? data = null) =>
        grains.GetGrain<IWorkspaceNotificationFeedGrain>(RealtimeIds.EnsureValid(workspaceId))
            .Publish(new NotificationDraft(type, title, message, ToJson(data)));

    public Task<Notification> SendMentionNotification(string userId, string workspaceId, string mentionedBy, string context, object? data = null) =>
        SendNotification(userId, workspaceId, NotificationTypes.Mention, $"{mentionedBy} mentioned you", context, data);

    public Task<Notification> SendMessageNotification(string userId, string workspaceId, string from, string preview, object? data = null) =>
        SendNotification(userId, workspaceId, NotificationTypes.Message, $"New message from {from}", preview, data);

    public Task<Notification> SendApprovalNotification(string userId, string workspaceId, string requestedBy, string subject, object? data = null) =>
        SendNotification(userId, workspaceId, NotificationTypes.Approval, $"{requestedBy} asks for your approval", subject, data);

    /// <summary>A crisis goes to the whole workspace.</summary>
    public Task<WorkspaceNotification> SendCrisisAlert(string workspaceId, string description, object? data = null) =>
        SendWorkspaceNotification(workspaceId, NotificationTypes.Crisis, "Crisis detected", description, data);

    public Task<Notification> SendPostPublishedNotification(string userId, string workspaceId, string postTitle, object? data = null) =>
        SendNotification(userId, workspaceId, NotificationTypes.PostPublished, "Post published", postTitle, data);

    public Task<Notification> SendPostFailedNotification(string userId, string workspaceId, string postTitle, string reason, object? data = null) =>
        SendNotification(userId, workspaceId, NotificationTypes.PostFailed, "Post failed", $"{postTitle}: {reason}", data);

    public Task<Notification> SendReviewNotification(string userId, string workspaceId, string reviewer, string subject, object? data = null) =>
        SendNotification(userId, workspaceId, NotificationTypes.Review, $"Review from {reviewer}", subject, data);

    public Task<Notification> SendSlaEscalationNotification(string userId, string workspaceId, string conversationId, TimeSpan overdueBy, object? data = null) =>
        SendNotification(userId, workspaceId, NotificationTypes.SlaEscalation, "SLA escalation", $"Conversation {conversationId} is waiting {overdueBy.TotalMinutes:F0} minutes past its SLA", data);

    public Task<NotificationPage> GetNotifications(string userId, string workspaceId, string? cursor = null, int limit = 50, bool unreadOnly = false) =>
        grains.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(RealtimeIds.EnsureValid(workspaceId), RealtimeIds.EnsureValid(userId))).List(cursor, limit, unreadOnly);

    private static RawJson? ToJson(object? data) => data switch
    {
        null => null,
        RawJson raw => raw,
        _ => RawJson.Serialize(data, nameof(data)),
    };
}
