using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Identity;

namespace Realtime.UnitTests.Security;

/// <summary>
/// Every hub event carries its authorization policy (docs/security.md), the one its hub declares
/// for all its methods (<see cref="HubMethodPolicyFilter"/>), and the tenant matrix tries every
/// hub event there is: a new event without either fails here.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class HubEventPolicyTests
{
    private static readonly IReadOnlyList<(Type Hub, MethodInfo Method, string Event)> Events =
        typeof(RealtimeHub).Assembly.GetTypes()
            .Where(t => typeof(Hub).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(hub => hub.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<HubMethodNameAttribute>() is not null)
                .Select(m => (hub, m, m.GetCustomAttribute<HubMethodNameAttribute>()!.Name)))
            .ToList();

    [Fact]
    public void Every_hub_event_requires_the_workspace_member_policy()
    {
        var without = Events
            .Where(e => HubMethodPolicyFilter.PolicyOf(e.Hub) != RealtimePolicies.WorkspaceMember)
            .Select(e => $"{e.Hub.Name}.{e.Method.Name} ({e.Event})")
            .ToList();

        Assert.NotEmpty(Events);
        Assert.Empty(without);
    }

    [Fact]
    public void The_tenant_matrix_tries_every_hub_event()
    {
        var events = Events.Select(e => e.Event).Order(StringComparer.Ordinal).ToList();
        var tried = TenantMatrix.HubEvents.Select(e => e.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(events, tried);
    }
}
