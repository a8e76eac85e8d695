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

    /// <summary>Worked out once: grains ask at every presence change and every notification.</summary>
    private readonly IReadOnlySet<string> _wanted = WebhookEventTypes.All.Where(options.Value.Wants).ToHashSet(StringComparer.Ordinal);

    public WebhookOptions Options => options.Value;

    public bool Wants(string type) => _wanted.Contains(type);

    /// <summary>Whether any presence type is wanted: the presence grain then tells the outbox its status changes.</summary>
    public bool WantsPresence =>
        Wants(WebhookEventTypes.PresenceOnline) || Wants(WebhookEventTypes.PresenceOffline) || Wants(WebhookEventTypes.PresenceStatus);

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
