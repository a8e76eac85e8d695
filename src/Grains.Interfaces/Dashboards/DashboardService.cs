using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.Grains.Dashboards;

/// <summary>
/// Dashboard and metrics updates for backend services, over the grain interfaces:
/// construct it with the IClusterClient (or any IGrainFactory) of an Orleans client of the
/// cluster. Each update replaces the previous value of its key; subscribers get the newest.
/// Bad input (invalid ids or names, data over 16 KB) throws ArgumentException.
/// </summary>
public sealed class DashboardService(IGrainFactory grains, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task BroadcastMetricUpdate(string workspaceId, string metric, double value, string? platform = null, object? data = null) =>
        Publish(workspaceId, RealtimeEvents.DashboardMetricUpdate, $"metric:{Name(metric)}:{platform}", platform,
            now => new MetricUpdateEvent(workspaceId, now, metric, value, Platform(platform), Json(data)));

    public Task BroadcastPostUpdate(string workspaceId, string postId, object post, string? platform = null) =>
        Publish(workspaceId, RealtimeEvents.DashboardPostUpdate, $"post:{RealtimeIds.EnsureValid(postId)}", platform,
            now => new PostUpdateEvent(workspaceId, now, postId, Platform(platform), Json(post)!));

    public Task BroadcastAnalyticsUpdate(string workspaceId, object analytics, string? platform = null) =>
        Publish(workspaceId, RealtimeEvents.DashboardAnalyticsUpdate, $"analytics:{platform}", platform,
            now => new AnalyticsUpdateEvent(workspaceId, now, Platform(platform), Json(analytics)!));

    public Task BroadcastFollowerUpdate(string workspaceId, string platform, string accountId, long followers, long change) =>
        Publish(workspaceId, RealtimeEvents.DashboardFollowersUpdate, $"followers:{platform}:{RealtimeIds.EnsureValid(accountId)}", platform,
            now => new FollowersUpdateEvent(workspaceId, now, Platform(platform)!, accountId, followers, change));

    public Task BroadcastEngagementUpdate(string workspaceId, string platform, object engagement, string? accountId = null) =>
        Publish(workspaceId, RealtimeEvents.DashboardEngagementUpdate, $"engagement:{platform}:{accountId}", platform,
            now => new EngagementUpdateEvent(workspaceId, now, Platform(platform)!, accountId is null ? null : RealtimeIds.EnsureValid(accountId), Json(engagement)!));

    /// <summary>An analytics metric on /metrics (`metrics:update`).</summary>
    public Task PublishMetric(string workspaceId, string metric, double value, object? data = null) =>
        Publish(workspaceId, RealtimeEvents.MetricsUpdate, $"metrics:{Name(metric)}", null,
            now => new MetricsUpdateEvent(workspaceId, now, metric, value, Json(data)));

    /// <summary>The latest value of every key, with the position a client passes back (`recover`) to get what follows.</summary>
    public Task<DashboardSnapshot> GetLatest(string workspaceId) =>
        grains.GetGrain<IDashboardGrain>(RealtimeIds.EnsureValid(workspaceId)).GetLatest(0, 0);

    private Task Publish(string workspaceId, string eventName, string key, string? platform, Func<DateTimeOffset, object> payload)
    {
        var now = _time.GetUtcNow();
        return grains.GetGrain<IDashboardGrain>(RealtimeIds.EnsureValid(workspaceId))
            .Publish(new DashboardUpdate(eventName, key, platform, payload(now), now));
    }

    private static string Name(string metric) => RealtimeIds.EnsureValid(metric);

    private static string? Platform(string? platform) => platform is null ? null : RealtimeIds.EnsureValid(platform);

    private static RawJson? Json(object? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null) =>
        value is null ? null : RawJson.Serialize(value, name!);
}
