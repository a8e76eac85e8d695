using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains;
using Realtime.Grains.Notifications;

namespace Realtime.EdgeGateway.Notifications;

/// <summary>
/// /notifications connections, with one step before SignalR's handshake: a connection that names
/// no last seen notification takes its user's starting point from the grain first. The client's
/// start() resolves at the handshake, and a backend may send at once; the connection attaches
/// from the starting point later, so what was accepted in between is caught up, not lost.
/// </summary>
public sealed partial class NotificationsConnectionHandler(
    HubLifetimeManager<NotificationsHub> lifetimeManager,
    IHubProtocolResolver protocolResolver,
    IOptions<HubOptions> globalHubOptions,
    IOptions<HubOptions<NotificationsHub>> hubOptions,
    ILoggerFactory loggerFactory,
    IUserIdProvider userIdProvider,
    IServiceScopeFactory serviceScopeFactory,
    IGrainFactory grains,
    ILogger<NotificationsConnectionHandler> logger)
    : HubConnectionHandler<NotificationsHub>(lifetimeManager, protocolResolver, globalHubOptions, hubOptions, loggerFactory, userIdProvider, serviceScopeFactory)
{
    /// <summary>Bounds the wait the handshake takes; past it the connection starts without a point (as before the window was closed).</summary>
    private static readonly TimeSpan StartingPointTimeout = TimeSpan.FromSeconds(5);

    private static readonly object StartingPointKey = new();

    /// <summary>The starting point taken before the handshake, or null.</summary>
    public static string? StartingPointOf(HubCallerContext context) =>
        context.Items.TryGetValue(StartingPointKey, out var point) ? point as string : null;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var http = connection.GetHttpContext();
        var user = connection.Features.Get<IConnectionUserFeature>()?.User ?? http?.User;
        if (http is not null && user is not null
            && string.IsNullOrEmpty(http.Request.Query[NotificationsHub.LastNotificationIdQuery])
            && ConnectionIdentity.FromRequest(user, http.Request) is { } identity)
        {
            try
            {
                connection.Items[StartingPointKey] = await grains
                    .GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(identity.WorkspaceId, identity.UserId))
                    .GetStartingPoint()
                    .WaitAsync(StartingPointTimeout);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNoStartingPoint(ex, connection.ConnectionId);
            }
        }

        await base.OnConnectedAsync(connection);
    }

    [LoggerMessage(1, LogLevel.Warning, "Connection {ConnectionId} starts without a starting point: notifications sent during its first moments may reach it only by the user's list")]
    private partial void LogNoStartingPoint(Exception exception, string connectionId);
}
