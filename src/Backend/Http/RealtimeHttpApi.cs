using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Inbox;
using Realtime.Grains.Presence;

namespace Realtime.Backend.Http;

/// <summary>
/// A typed client of the edges' HTTP API (docs/protocol.md, "HTTP API") for backends outside the
/// cluster's network: one method per route. Every POST carries an <c>Idempotency-Key</c> (a new one
/// unless given), so a retry of the same request message never delivers twice. An answer that is
/// not 2xx throws <see cref="RealtimeApiException"/>.
/// </summary>
public sealed class RealtimeHttpApi(HttpClient http, IOptions<RealtimeHttpApiOptions> options)
{
    /// <summary>The API's JSON: camelCase, enums as camelCase strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly RealtimeHttpApiOptions _options = options.Value;

    public Task BroadcastToWorkspaceAsync(string workspaceId, string eventName, object data, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/broadcast/workspace/{Path(workspaceId)}", new { @event = eventName, data }, idempotencyKey, cancellationToken);

    public Task BroadcastToUserAsync(string workspaceId, string userId, string eventName, object data, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/broadcast/user/{Path(userId)}/workspace/{Path(workspaceId)}", new { @event = eventName, data }, idempotencyKey, cancellationToken);

    public Task BroadcastToAllAsync(string eventName, object data, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "realtime/broadcast/all", new { @event = eventName, data }, idempotencyKey, cancellationToken);

    /// <summary>A notification to one user in one workspace (<c>type</c> one of NotificationTypes).</summary>
    public Task<NotificationSent> SendNotificationAsync(string userId, string workspaceId, string type, string title, string message, object? data = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<NotificationSent>(HttpMethod.Post, "realtime/notifications/send", new { userId, workspaceId, type, title, message, data }, idempotencyKey, cancellationToken);

    /// <summary>A notification to every member of the workspace, each getting a copy of their own.</summary>
    public Task<NotificationSent> SendWorkspaceNotificationAsync(string workspaceId, string type, string title, string message, object? data = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<NotificationSent>(HttpMethod.Post, $"realtime/notifications/workspace/{Path(workspaceId)}", new { type, title, message, data }, idempotencyKey, cancellationToken);

    public Task UpdateDashboardMetricAsync(string workspaceId, string metric, double value, string? platform = null, object? data = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/dashboard/{Path(workspaceId)}/metric", new { metric, value, platform, data }, idempotencyKey, cancellationToken);

    public Task UpdateDashboardPostAsync(string workspaceId, string postId, object post, string? platform = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/dashboard/{Path(workspaceId)}/post", new { postId, post, platform }, idempotencyKey, cancellationToken);

    public Task UpdateDashboardAnalyticsAsync(string workspaceId, object analytics, string? platform = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/dashboard/{Path(workspaceId)}/analytics", new { analytics, platform }, idempotencyKey, cancellationToken);

    public Task UpdateDashboardFollowersAsync(string workspaceId, string platform, string accountId, long followers, long change, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/dashboard/{Path(workspaceId)}/followers", new { platform, accountId, followers, change }, idempotencyKey, cancellationToken);

    public Task UpdateDashboardEngagementAsync(string workspaceId, string platform, object engagement, string? accountId = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/dashboard/{Path(workspaceId)}/engagement", new { platform, engagement, accountId }, idempotencyKey, cancellationToken);

    /// <summary><c>metrics:update</c> on the workspace's /metrics subscribers.</summary>
    public Task PublishMetricAsync(string workspaceId, string metric, double value, object? data = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"realtime/metrics/{Path(workspaceId)}", new { metric, value, data }, idempotencyKey, cancellationToken);

    /// <summary>The latest value of every dashboard and metrics key of the workspace.</summary>
    public Task<DashboardValues> GetDashboardAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        SendAsync<DashboardValues>(HttpMethod.Get, $"realtime/dashboard/{Path(workspaceId)}", null, null, cancellationToken);

    /// <summary>A message into a conversation (the first creates it). The same <paramref name="messageId"/> again is taken once.</summary>
    public Task<InboxMessage> AddInboxMessageAsync(
        string workspaceId, string conversationId, string messageId, MessageAuthor from, string authorId, string content,
        object? data = null, DateTimeOffset? sentAt = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<InboxMessage>(
            HttpMethod.Post,
            $"realtime/inbox/{Path(workspaceId)}/conversations/{Path(conversationId)}/messages",
            new { messageId, from, authorId, content, data, sentAt },
            idempotencyKey,
            cancellationToken);

    /// <summary>Assignment, status and SLA of a conversation; <see cref="RealtimeApiException"/> with 404 when there is none.</summary>
    public Task<Conversation> UpdateConversationAsync(string workspaceId, string conversationId, ConversationUpdate update, CancellationToken cancellationToken = default) =>
        SendAsync<Conversation>(HttpMethod.Patch, $"realtime/inbox/{Path(workspaceId)}/conversations/{Path(conversationId)}", update.ToJson(), null, cancellationToken);

    /// <summary>The conversation as it is now; null when there is none.</summary>
    public Task<Conversation?> GetConversationAsync(string workspaceId, string conversationId, CancellationToken cancellationToken = default) =>
        FindAsync<Conversation>($"realtime/inbox/{Path(workspaceId)}/conversations/{Path(conversationId)}", cancellationToken);

    /// <summary>One page of the workspace's members' presence (online ones only unless <paramref name="onlineOnly"/> is false).</summary>
    public Task<WorkspacePresence> GetWorkspacePresenceAsync(string workspaceId, string? cursor = null, int? limit = null, bool? onlineOnly = null, CancellationToken cancellationToken = default) =>
        SendAsync<WorkspacePresence>(HttpMethod.Get, $"realtime/presence/workspace/{Path(workspaceId)}{Query(("cursor", cursor), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("onlineOnly", onlineOnly is { } b ? (b ? "true" : "false") : null))}", null, null, cancellationToken);

    /// <summary>One user's presence in a workspace; null for a user never seen there.</summary>
    public Task<UserPresence?> GetUserPresenceAsync(string workspaceId, string userId, CancellationToken cancellationToken = default) =>
        FindAsync<UserPresence>($"realtime/presence/user/{Path(userId)}/workspace/{Path(workspaceId)}", cancellationToken);

    /// <summary>Cluster-wide connections and counts.</summary>
    public Task<ClusterStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<ClusterStats>(HttpMethod.Get, "realtime/stats", null, null, cancellationToken);

    public Task<WorkspaceStats> GetWorkspaceStatsAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        SendAsync<WorkspaceStats>(HttpMethod.Get, $"realtime/stats/workspace/{Path(workspaceId)}", null, null, cancellationToken);

    /// <summary>
    /// Closes every connection of the user (in <paramref name="workspaceId"/>, or everywhere) with
    /// <c>session:revoked</c>, and refuses the tokens the user had until they expire.
    /// </summary>
    public Task<UserRevoked> RevokeUserAsync(string userId, string? workspaceId = null, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<UserRevoked>(HttpMethod.Delete, $"realtime/connections/user/{Path(userId)}{Query(("workspaceId", workspaceId), ("reason", reason))}", null, null, cancellationToken);

    private async Task SendAsync(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, idempotencyKey, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, idempotencyKey, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new RealtimeApiException(response.StatusCode, "The answer had no body.", new Dictionary<string, string[]>(), null);
    }

    private async Task<T?> FindAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendRawAsync(HttpMethod.Get, path, null, null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        var token = _options.ServiceTokenProvider is { } provider ? await provider(cancellationToken) : _options.ServiceToken;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (method == HttpMethod.Post)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString("N"));
        }

        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? title = null;
        var errors = new Dictionary<string, string[]>();
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(Json, cancellationToken);
            title = problem?.Title;
            foreach (var (field, messages) in problem?.Errors ?? [])
            {
                errors[field] = messages;
            }
        }
        catch (JsonException)
        {
            // Not problem+json (a proxy's error page): the status alone says what happened.
        }

        var retryAfter = response.Headers.RetryAfter?.Delta;
        throw new RealtimeApiException(response.StatusCode, title, errors, retryAfter);
    }

    private static string Path(string segment) => Uri.EscapeDataString(segment);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join("&", given);
    }

    private sealed record Problem(string? Title, Dictionary<string, string[]>? Errors);
}
