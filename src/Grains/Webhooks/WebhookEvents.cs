using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Realtime.Grains.Presence;

namespace Realtime.Grains.Webhooks;

/// <summary>
/// What the grains that announce something use: whether anyone wants a type, and the webhook
/// itself with its data in the body's JSON shape (camelCase).
/// </summary>
public sealed class WebhookEvents(IOptions<WebhookOptions> options, TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public WebhookOptions Options => options.Value;

    public bool Wants(string type) => options.Value.Wants(type);

    /// <summary>A webhook happening now. A stable <paramref name="id"/> makes a retried announcement the same webhook to the receiver.</summary>
    public WebhookEvent Create<TData>(string type, string workspaceId, string? userId, TData data, string? id = null) =>
        new(type, id ?? NewId(), timeProvider.GetUtcNow(), workspaceId, userId, JsonSerializer.Serialize(data, DataJson));

    public static string NewId() => $"msg_{Guid.NewGuid():N}";
}

/// <summary>Data of presence.online, presence.status and presence.offline.</summary>
public sealed record PresenceWebhookData(PresenceStatus Status);

/// <summary>Data of notification.read: one notification, or all of them (<see cref="NotificationId"/> null).</summary>
public sealed record NotificationReadWebhookData(string? NotificationId, bool All, int UnreadCount);

/// <summary>Data of notification.unread.</summary>
public sealed record NotificationUnreadWebhookData(string NotificationId, string Type, string Title, DateTimeOffset CreatedAt, bool DeliveredLive);

/// <summary>Data of inbox.sla.escalation.</summary>
public sealed record SlaEscalationWebhookData(string ConversationId, string? AssignedTo, DateTimeOffset WaitingSince, DateTimeOffset Deadline);
