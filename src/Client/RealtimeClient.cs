using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Realtime.Client;

/// <summary>
/// The six hubs of one user in one workspace, each its own connection, started when the app
/// starts it (<c>await client.Notifications.StartAsync()</c>); all stopped on dispose.
/// </summary>
public sealed class RealtimeClient : IAsyncDisposable
{
    public RealtimeClient(RealtimeClientOptions options, INotificationPositionStore? notificationPositions = null, ILoggerFactory? loggerFactory = null)
    {
        Realtime = new RealtimeHubClient(options, loggerFactory?.CreateLogger<RealtimeHubClient>());
        Presence = new PresenceClient(options, loggerFactory?.CreateLogger<PresenceClient>());
        Notifications = new NotificationsClient(options, notificationPositions, loggerFactory?.CreateLogger<NotificationsClient>());
        Dashboard = new DashboardClient(options, loggerFactory?.CreateLogger<DashboardClient>());
        Metrics = new MetricsClient(options, loggerFactory?.CreateLogger<MetricsClient>());
        Inbox = new InboxClient(options, loggerFactory?.CreateLogger<InboxClient>());
    }

    public RealtimeHubClient Realtime { get; }

    public PresenceClient Presence { get; }

    public NotificationsClient Notifications { get; }

    public DashboardClient Dashboard { get; }

    public MetricsClient Metrics { get; }

    public InboxClient Inbox { get; }

    public async ValueTask DisposeAsync()
    {
        HubClient[] hubs = [Realtime, Presence, Notifications, Dashboard, Metrics, Inbox];
        await Task.WhenAll(hubs.Select(h => h.StopAsync()));
    }
}

public static class RealtimeClientServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="RealtimeClient"/> as a singleton, configured from the "RealtimeClient" section and
    /// then <paramref name="configure"/> (a token factory, say), validated when the host starts;
    /// notification positions in memory unless an <see cref="INotificationPositionStore"/> is registered.
    /// </summary>
    public static IServiceCollection AddRealtimeClient(this IServiceCollection services, IConfiguration configuration, Action<RealtimeClientOptions>? configure = null)
    {
        var options = services.AddOptions<RealtimeClientOptions>().Bind(configuration.GetSection(RealtimeClientOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeClientOptions>, RealtimeClientOptionsValidator>());
        options.ValidateOnStart();
        services.TryAddSingleton<INotificationPositionStore, InMemoryNotificationPositionStore>();
        services.TryAddSingleton(sp => new RealtimeClient(
            sp.GetRequiredService<IOptions<RealtimeClientOptions>>().Value,
            sp.GetRequiredService<INotificationPositionStore>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }

    private sealed class RealtimeClientOptionsValidator : IValidateOptions<RealtimeClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, RealtimeClientOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
