using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.Grains.Dashboards;

/// <summary>
/// One dashboard or metrics update as the cluster carries it: the event name, the key whose
/// latest value it is (a newer update for the same key replaces an older one everywhere it is
/// still waiting), the platform for subscription filters, and the wire payload. The dashboard
/// grain numbers the updates it accepts (<see cref="Version"/>, within its activation's epoch)
/// and stamps that position on the payload.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.DashboardUpdate")]
public sealed record DashboardUpdate(
    [property: Id(0)] string EventName,
    [property: Id(1)] string Key,
    [property: Id(2)] string? Platform,
    [property: Id(3)] object Payload,
    [property: Id(4)] DateTimeOffset Timestamp,
    [property: Id(5)] long Version = 0);

/// <summary>
/// The latest values of a workspace's dashboard keys for a client: with <see cref="Recovered"/>,
/// only those changed after the position it passed back; else all of them. <see cref="Position"/>
/// is where the values stand, for recovering what follows.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.DashboardSnapshot")]
public sealed record DashboardSnapshot(
    [property: Id(0)] bool Recovered,
    [property: Id(1)] IReadOnlyList<DashboardUpdate> Updates,
    [property: Id(2)] string Position);

/// <summary>`dashboard:metric:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.MetricUpdateEvent")]
public sealed record MetricUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Value,
    [property: Id(4)] string? Platform,
    [property: Id(5)] RawJson? Data,
    [property: Id(6)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>`dashboard:post:update`: a post's status or performance changed.</summary>
[GenerateSerializer, Immutable, Alias("realtime.PostUpdateEvent")]
public sealed record PostUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string PostId,
    [property: Id(3)] string? Platform,
    [property: Id(4)] RawJson Post,
    [property: Id(5)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>`dashboard:analytics:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.AnalyticsUpdateEvent")]
public sealed record AnalyticsUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string? Platform,
    [property: Id(3)] RawJson Analytics,
    [property: Id(4)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>`dashboard:followers:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.FollowersUpdateEvent")]
public sealed record FollowersUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Platform,
    [property: Id(3)] string AccountId,
    [property: Id(4)] long Followers,
    [property: Id(5)] long Change,
    [property: Id(6)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>`dashboard:engagement:update`.</summary>
[GenerateSerializer, Immutable, Alias("realtime.EngagementUpdateEvent")]
public sealed record EngagementUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Platform,
    [property: Id(3)] string? AccountId,
    [property: Id(4)] RawJson Engagement,
    [property: Id(5)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}

/// <summary>`metrics:update` on /metrics.</summary>
[GenerateSerializer, Immutable, Alias("realtime.MetricsUpdateEvent")]
public sealed record MetricsUpdateEvent(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string Metric,
    [property: Id(3)] double Value,
    [property: Id(4)] RawJson? Data,
    [property: Id(5)] string? RecoveryPosition = null) : IRecoverablePayload
{
    public IRecoverablePayload WithRecoveryPosition(string position) => this with { RecoveryPosition = position };
}
