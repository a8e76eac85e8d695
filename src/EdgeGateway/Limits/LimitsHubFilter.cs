using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Telemetry;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// The edge's limits for every hub, in one place: events per second per connection and per user
/// on each invocation, connections per user on connect, and the counting of every refusal
/// (including field lengths refused by <see cref="HubInput"/> and oversized messages SignalR refused).
/// A refused invocation fails with a HubException; its connection stays open.
/// </summary>
public sealed partial class LimitsHubFilter(
    EventRateLimiters rates,
    UserConnectionLimiter connections,
    EdgeMetrics metrics,
    ILogger<LimitsHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var caller = invocationContext.Context;
        if (rates.TryAcquire(caller.ConnectionId, caller.GetIdentity().UserId) is { } refusal)
        {
            Refused(refusal.Limit, invocationContext.Hub, caller.ConnectionId);
            throw refusal;
        }

        try
        {
            return await next(invocationContext);
        }
        catch (LimitRefusedException ex)
        {
            Refused(ex.Limit, invocationContext.Hub, caller.ConnectionId);
            throw;
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // A HubException here closes the new connection with its message (allowReconnect false),
        // which the official clients report on close without retrying in a loop.
        var permit = connections.TryAcquire(context.Context.GetIdentity().UserId);
        if (permit is null)
        {
            Refused(LimitNames.ConnectionsPerUser, context.Hub, context.Context.ConnectionId);
            throw new LimitRefusedException(LimitNames.ConnectionsPerUser, connections.RefusalMessage);
        }

        // A connection feature, not Items: Items would give every connection a dictionary of its own.
        context.Context.Features.Set(new ConnectionPermit(permit));
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            // SignalR does not call OnDisconnectedAsync for a connection whose OnConnectedAsync failed.
            context.Context.Features.Set<ConnectionPermit>(null);
            permit.Dispose();
            if (ex is LimitRefusedException limit)
            {
                Refused(limit.Limit, context.Hub, context.Context.ConnectionId);
            }

            throw;
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
            if (context.Context.Features.Get<ConnectionPermit>() is { } held)
            {
                context.Context.Features.Set<ConnectionPermit>(null);
                held.Permit.Dispose();
            }

            if (IsOversizedMessage(exception))
            {
                Refused(LimitNames.MessageSize, context.Hub, context.Context.ConnectionId);
            }
        }
    }

    /// <summary>SignalR closes a connection whose message exceeds MaximumReceiveMessageSize with this error.</summary>
    private static bool IsOversizedMessage(Exception? exception) =>
        exception is InvalidDataException && exception.Message.Contains("maximum message size", StringComparison.OrdinalIgnoreCase);

    private void Refused(string limit, Hub hub, string connectionId)
    {
        var hubName = HubNames.Of(hub.GetType());
        metrics.LimitRejected(limit, hubName);
        LogRefused(limit, hubName, connectionId);
    }

    // Debug: a flooding client would otherwise flood the log too; the metric is the signal.
    [LoggerMessage(1, LogLevel.Debug, "Limit {Limit} refused a call of connection {ConnectionId} on hub {Hub}")]
    private partial void LogRefused(string limit, string hub, string connectionId);

    /// <summary>The connection's permit under the connections-per-user limit, released when it closes.</summary>
    private sealed record ConnectionPermit(IDisposable Permit);
}
