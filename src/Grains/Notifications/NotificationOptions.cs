using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Notifications;

/// <summary>How many notifications are kept. Section "Notifications".</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Notifications kept per user and workspace; beyond it the oldest read ones go first, then the oldest.</summary>
    [Range(1, 100_000)]
    public int MaxPerUser { get; set; } = 200;

    /// <summary>Workspace-wide notifications kept for members who connect later.</summary>
    [Range(1, 100_000)]
    public int WorkspaceFeedSize { get; set; } = 100;
}
