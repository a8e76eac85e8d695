using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// Checks every hub call against the policy its hub declares with <see cref="HubMethodPolicyAttribute"/>,
/// as SignalR checks an [Authorize] on a method: the same policy, with the call as the resource.
/// A hub without a policy refuses every call, so a new hub cannot forget it. Registered before
/// every other hub filter: a refused call is neither counted against the limits nor by telemetry.
/// </summary>
public sealed partial class HubMethodPolicyFilter(IAuthorizationService authorization, ILogger<HubMethodPolicyFilter> logger) : IHubFilter
{
    private static readonly ConcurrentDictionary<Type, string?> Policies = new();

    /// <summary>The policy every method of the hub requires, or null when it has none (every call refused).</summary>
    public static string? PolicyOf(Type hubType) =>
        Policies.GetOrAdd(hubType, static type => type.GetCustomAttribute<HubMethodPolicyAttribute>(inherit: true)?.Policy);

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var policy = PolicyOf(invocationContext.Hub.GetType());
        var user = invocationContext.Context.User;
        if (policy is null || user is null || !(await authorization.AuthorizeAsync(user, invocationContext, policy)).Succeeded)
        {
            LogRefused(invocationContext.HubMethodName, invocationContext.Hub.GetType().Name, invocationContext.Context.ConnectionId, policy ?? "(none)");

            // SignalR's own wording for a call its [Authorize] refuses.
            throw new HubException($"Failed to invoke '{invocationContext.HubMethodName}' because user is unauthorized");
        }

        return await next(invocationContext);
    }

    [LoggerMessage(1, LogLevel.Debug, "Call of {Method} on hub {Hub} by connection {ConnectionId} refused by policy {Policy}")]
    private partial void LogRefused(string method, string hub, string connectionId, string policy);
}
