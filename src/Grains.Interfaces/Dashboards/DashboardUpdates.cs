using Realtime.Grains.Notifications;

namespace Realtime.Grains.Dashboards;

/// <summary>
/// One dashboard or metrics update as the cluster carries it: the event name, the key whose
/// latest value it is (a newer update for the same key replaces an older one everywhere it is
/// still waiting), the platform for subscription filters, and the wire payload.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.DashboardUpdate")]
public sealed record DashboardUpdate(
    [property: Id(0)] string EventName,
    [property: Id(1)] string Key,
    [property: Id(2)] string? Platform,
    [property: Id(3)] object Payload,
    [property: Id(4)] DateTimeOffset Timestamp);

/// <summary>`dashboard:metric:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.MetricUpdateEvent")]
public sealed record MetricUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Value,
    [property: Id(4)] string? Platform,
    [property: Id(5)] RawJson? Data);

/// <summary>`dashboard:post:update`: a post's status or performance changed.</summary>
[GenerateSerializer, Immutable, Alias("realtime.PostUpdateEvent")]
public sealed record PostUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string PostId,
    [property: Id(3)] string? Platform,
    [property: Id(4)] RawJson Post);

/// <summary>`dashboard:analytics:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.AnalyticsUpdateEvent")]
public sealed record AnalyticsUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string? Platform,
    [property: Id(3)] RawJson Analytics);

/// <summary>`dashboard:followers:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.FollowersUpdateEvent")]
public sealed record FollowersUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Platform,
    [property: Id(3)] string AccountId,
    [property: Id(4)] long Followers,
    [property: Id(5)] long Change);

/// <summary>`dashboard:engagement:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.EngagementUpdateEvent")]
public sealed record EngagementUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Platform,
    [property: Id(3)] string? AccountId,
    [property: Id(4)] RawJson Engagement);

/// <summary>`metrics:update` on /metrics.</summary>
[GenerateSerializer, Immutable, Alias("realtime.MetricsUpdateEvent")]
public sealed record MetricsUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Value,
    [property: Id(4)] RawJson? Data);
