using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Hubs;

namespace Realtime.EdgeGateway.Telemetry;

/// <summary>
/// Counts and logs the connections and failed calls of every hub, registered once for all of them. A connection
/// is counted when its hub accepted it and uncounted when it ends, however its hub's own
/// disconnect handling goes.
/// </summary>
public sealed partial class ConnectionTelemetryHubFilter(EdgeMetrics metrics, ILogger<ConnectionTelemetryHubFilter> logger) : IHubFilter
{
    /// <summary>The log category of SignalR's hub dispatcher, whose per-call error log this filter replaces.</summary>
    public const string SignalRDispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    /// <summary>
    /// Counts failed hub calls, and logs those that are the server's fault. A HubException is the
    /// caller's (bad input, a limit, a policy): counted and logged at Debug only, because SignalR's
    /// own log of every failed call (at Error, with a stack trace) is turned off
    /// (<see cref="SignalRDispatcherCategory"/>): a client sending garbage must not flood the log.
    /// </summary>
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException ex)
        {
            var hub = HubName(invocationContext.Hub);
            metrics.InvocationFailed(hub, refused: true);
            LogInvocationRefused(invocationContext.HubMethodName, hub, invocationContext.Context.ConnectionId, ex.Message);
            throw;
        }
        catch (Exception ex) when (ClusterUnavailable.IsTransient(ex))
        {
            // Not the caller's fault nor a bug: the caller is told to try again, the log gets one line.
            var hub = HubName(invocationContext.Hub);
            metrics.InvocationFailed(hub, refused: false);
            LogInvocationUnavailable(invocationContext.HubMethodName, hub, invocationContext.Context.ConnectionId, ex.GetType().Name);
            throw new HubException(ClusterUnavailable.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var hub = HubName(invocationContext.Hub);
            metrics.InvocationFailed(hub, refused: false);
            LogInvocationFailed(ex, invocationContext.HubMethodName, hub, invocationContext.Context.ConnectionId);
            throw;
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        var hub = HubName(context.Hub);
        context.Context.Features.Set(new CountedConnection(hub));
        metrics.ConnectionOpened(hub);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var identity = context.Context.GetIdentity();
            LogConnected(context.Context.ConnectionId, hub, identity.UserId, identity.WorkspaceId);
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            var features = context.Context.Features;
            if (features.Get<CountedConnection>() is { Hub: var hub })
            {
                features.Set<CountedConnection>(null);
                metrics.ConnectionClosed(hub);
                if (exception is null)
                {
                    LogDisconnected(context.Context.ConnectionId, hub);
                }
                else
                {
                    LogDisconnectedWithError(exception, context.Context.ConnectionId, hub);
                }
            }
        }
    }

    private static string HubName(Hub hub) => HubNames.Of(hub.GetType());

    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} opened on hub {Hub} for user {UserId} in workspace {WorkspaceId}")]
    private partial void LogConnected(string connectionId, string hub, string userId, string workspaceId);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} closed on hub {Hub}")]
    private partial void LogDisconnected(string connectionId, string hub);

    [LoggerMessage(4, LogLevel.Debug, "Call of {Method} on hub {Hub} by connection {ConnectionId} refused: {Reason}")]
    private partial void LogInvocationRefused(string method, string hub, string connectionId, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Call of {Method} on hub {Hub} by connection {ConnectionId} could not reach the cluster ({Exception}); the caller was told to try again")]
    private partial void LogInvocationUnavailable(string method, string hub, string connectionId, string exception);

    [LoggerMessage(5, LogLevel.Error, "Call of {Method} on hub {Hub} by connection {ConnectionId} failed")]
    private partial void LogInvocationFailed(Exception exception, string method, string hub, string connectionId);

    [LoggerMessage(3, LogLevel.Information, "Connection {ConnectionId} on hub {Hub} closed with an error")]
    private partial void LogDisconnectedWithError(Exception exception, string connectionId, string hub);

    /// <summary>The hub a connection was counted on (a connection feature; Items would give each connection a dictionary).</summary>
    private sealed record CountedConnection(string Hub);
}
