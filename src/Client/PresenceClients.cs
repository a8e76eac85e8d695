using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Realtime.Client;

/// <summary>
/// /realtime: the workspace's presence and navigation, <c>ping</c>, and the events backends
/// broadcast (handle those with <see cref="HubClient.On{T}(string, Action{T})"/> by their name).
/// </summary>
public sealed class RealtimeHubClient : HubClient
{
    public RealtimeHubClient(RealtimeClientOptions options, ILogger<RealtimeHubClient>? logger = null)
        : base(options, "realtime", logger)
    {
        On<PresenceUpdate>("presence:update", update => Raise(PresenceUpdated, update));
        On<PresenceSummary>("presence:summary", summary => Raise(PresenceSummarized, summary));
    }

    public event Action<PresenceUpdate>? PresenceUpdated;

    public event Action<PresenceSummary>? PresenceSummarized;

    public Task NavigateAsync(string page, CancellationToken cancellationToken = default) =>
        InvokeAsync("page:navigate", new { page }, cancellationToken);

    /// <summary>The server's time, from <c>pong</c>.</summary>
    public async Task<DateTimeOffset> PingAsync(CancellationToken cancellationToken = default) =>
        (await InvokeAsync<JsonElement>("ping", null, cancellationToken)).GetProperty("timestamp").GetDateTimeOffset();

    /// <summary>One page of the workspace's presence.</summary>
    public Task<PresenceList> GetPresenceAsync(string? cursor = null, int? limit = null, CancellationToken cancellationToken = default) =>
        InvokeAsync<PresenceList>("presence:get", cursor is null && limit is null ? null : new { cursor, limit }, cancellationToken);
}

/// <summary>
/// /presence: status, typing, activity, online lists and watching teammates; the users watched are
/// watched again after a reconnection.
/// </summary>
public sealed class PresenceClient : HubClient
{
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public PresenceClient(RealtimeClientOptions options, ILogger<PresenceClient>? logger = null)
        : base(options, "presence", logger)
    {
        On<PresenceUpdate>("presence:update", update => Raise(PresenceUpdated, update));
        On<PresenceSummary>("presence:summary", summary => Raise(PresenceSummarized, summary));
        On<PresenceTyping>("presence:typing", typing => Raise(Typing, typing));
        On<PresenceActivity>("presence:activity", activity => Raise(ActivityChanged, activity));
    }

    public event Action<PresenceUpdate>? PresenceUpdated;

    public event Action<PresenceSummary>? PresenceSummarized;

    public event Action<PresenceTyping>? Typing;

    public event Action<PresenceActivity>? ActivityChanged;

    /// <summary>online, away or offline.</summary>
    public Task SetStatusAsync(string status, CancellationToken cancellationToken = default) =>
        InvokeAsync("presence:status", new { status }, cancellationToken);

    public Task TypingAsync(string conversationId, bool isTyping, CancellationToken cancellationToken = default) =>
        InvokeAsync("presence:typing", new { conversationId, isTyping }, cancellationToken);

    /// <summary><paramref name="type"/>: viewing, editing or commenting.</summary>
    public Task ActivityAsync(string type, string resourceId, string resourceType, CancellationToken cancellationToken = default) =>
        InvokeAsync("presence:activity", new { type, resourceId, resourceType }, cancellationToken);

    /// <summary>One page of the online and away users.</summary>
    public Task<PresenceList> GetOnlineAsync(string? cursor = null, int? limit = null, CancellationToken cancellationToken = default) =>
        InvokeAsync<PresenceList>("presence:online", cursor is null && limit is null ? null : new { cursor, limit }, cancellationToken);

    /// <summary>Every change of these users, even in a large workspace, now (when connected) and after every reconnection.</summary>
    public async Task WatchAsync(IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        List<string> added;
        lock (_lock)
        {
            added = [.. userIds.Where(_watched.Add)];
        }

        if (IsConnected && added.Count > 0)
        {
            await InvokeAsync<JsonElement>("presence:watch", new { userIds = added }, cancellationToken);
        }
    }

    protected override async Task RenewSubscriptionsAsync(CancellationToken cancellationToken)
    {
        List<string> watched;
        lock (_lock)
        {
            watched = [.. _watched];
        }

        if (watched.Count > 0)
        {
            await InvokeAsync<JsonElement>("presence:watch", new { userIds = watched }, cancellationToken);
        }
    }
}
