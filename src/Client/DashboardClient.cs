using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Realtime.Client;

/// <summary>
/// /dashboard: live dashboard values. After <see cref="SubscribeAsync"/> the latest value of every
/// key comes first, then each update; the subscription (and its platforms) is renewed after a
/// reconnection, which sends the latest values again.
/// </summary>
public sealed class DashboardClient : HubClient
{
    private bool _subscribed;
    private IReadOnlyList<string>? _platforms;

    public DashboardClient(RealtimeClientOptions options, ILogger<DashboardClient>? logger = null)
        : base(options, "dashboard", logger)
    {
        On<DashboardMetricUpdate>("dashboard:metric:update", update => Raise(MetricUpdated, update));
        On<DashboardPostUpdate>("dashboard:post:update", update => Raise(PostUpdated, update));
        On<DashboardAnalyticsUpdate>("dashboard:analytics:update", update => Raise(AnalyticsUpdated, update));
        On<DashboardFollowersUpdate>("dashboard:followers:update", update => Raise(FollowersUpdated, update));
        On<DashboardEngagementUpdate>("dashboard:engagement:update", update => Raise(EngagementUpdated, update));
    }

    public event Action<DashboardMetricUpdate>? MetricUpdated;

    public event Action<DashboardPostUpdate>? PostUpdated;

    public event Action<DashboardAnalyticsUpdate>? AnalyticsUpdated;

    public event Action<DashboardFollowersUpdate>? FollowersUpdated;

    public event Action<DashboardEngagementUpdate>? EngagementUpdated;

    /// <summary>Updates of these platforms (all when null), now (when connected) and after every reconnection.</summary>
    public async Task SubscribeAsync(IEnumerable<string>? platforms = null, CancellationToken cancellationToken = default)
    {
        _platforms = platforms?.ToList();
        _subscribed = true;
        if (IsConnected)
        {
            await SubscribeNowAsync(cancellationToken);
        }
    }

    protected override Task RenewSubscriptionsAsync(CancellationToken cancellationToken) =>
        _subscribed ? SubscribeNowAsync(cancellationToken) : Task.CompletedTask;

    private Task SubscribeNowAsync(CancellationToken cancellationToken) =>
        InvokeAsync<JsonElement>("dashboard:subscribe", _platforms is null ? null : new { platforms = _platforms }, cancellationToken);
}

/// <summary>/metrics: live analytics metrics; the subscription is renewed after a reconnection.</summary>
public sealed class MetricsClient : HubClient
{
    private bool _subscribed;
    private IReadOnlyList<string>? _metrics;

    public MetricsClient(RealtimeClientOptions options, ILogger<MetricsClient>? logger = null)
        : base(options, "metrics", logger) =>
        On<MetricsUpdate>("metrics:update", update => Raise(MetricUpdated, update));

    public event Action<MetricsUpdate>? MetricUpdated;

    /// <summary>These metrics (all when null), now (when connected) and after every reconnection.</summary>
    public async Task SubscribeAsync(IEnumerable<string>? metrics = null, CancellationToken cancellationToken = default)
    {
        _metrics = metrics?.ToList();
        _subscribed = true;
        if (IsConnected)
        {
            await SubscribeNowAsync(cancellationToken);
        }
    }

    protected override Task RenewSubscriptionsAsync(CancellationToken cancellationToken) =>
        _subscribed ? SubscribeNowAsync(cancellationToken) : Task.CompletedTask;

    private Task SubscribeNowAsync(CancellationToken cancellationToken) =>
        InvokeAsync<JsonElement>("metrics:subscribe", _metrics is null ? null : new { metrics = _metrics }, cancellationToken);
}
