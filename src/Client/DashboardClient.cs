using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Realtime.Client;

/// <summary>
/// /dashboard: live dashboard values. After <see cref="SubscribeAsync"/> the latest value of every
/// key comes first, then each update; the subscription (and its platforms) is renewed after a
/// reconnection, which sends the latest values again.
/// </summary>
public sealed class DashboardClient : FilteredSubscriptionClient
{
    public DashboardClient(RealtimeClientOptions options, ILogger<DashboardClient>? logger = null)
        : base(options, "dashboard", "dashboard:subscribe", "platforms", logger)
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
    public Task SubscribeAsync(IEnumerable<string>? platforms = null, CancellationToken cancellationToken = default) =>
        SubscribeToAsync(platforms, cancellationToken);
}

/// <summary>/metrics: live analytics metrics; the subscription is renewed after a reconnection.</summary>
public sealed class MetricsClient : FilteredSubscriptionClient
{
    public MetricsClient(RealtimeClientOptions options, ILogger<MetricsClient>? logger = null)
        : base(options, "metrics", "metrics:subscribe", "metrics", logger) =>
        On<MetricsUpdate>("metrics:update", update => Raise(MetricUpdated, update));

    public event Action<MetricsUpdate>? MetricUpdated;

    /// <summary>These metrics (all when null), now (when connected) and after every reconnection.</summary>
    public Task SubscribeAsync(IEnumerable<string>? metrics = null, CancellationToken cancellationToken = default) =>
        SubscribeToAsync(metrics, cancellationToken);
}

/// <summary>A hub with one subscribe call and an optional filter (a list under one name), renewed after every reconnection.</summary>
public abstract class FilteredSubscriptionClient : HubClient
{
    private readonly string _method;
    private readonly string _filterName;
    private volatile bool _subscribed;
    private volatile IReadOnlyList<string>? _filter;

    protected FilteredSubscriptionClient(RealtimeClientOptions options, string hubPath, string method, string filterName, ILogger? logger)
        : base(options, hubPath, logger) =>
        (_method, _filterName) = (method, filterName);

    protected async Task SubscribeToAsync(IEnumerable<string>? filter, CancellationToken cancellationToken)
    {
        _filter = filter?.ToList();
        _subscribed = true;
        if (IsConnected)
        {
            await SubscribeNowAsync(cancellationToken);
        }
    }

    protected override Task RenewSubscriptionsAsync(CancellationToken cancellationToken) =>
        _subscribed ? SubscribeNowAsync(cancellationToken) : Task.CompletedTask;

    private Task SubscribeNowAsync(CancellationToken cancellationToken) =>
        InvokeAsync<JsonElement>(_method, _filter is { } filter ? new Dictionary<string, object> { [_filterName] = filter } : null, cancellationToken);
}
