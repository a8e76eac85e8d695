namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// The authorization policy every method of a hub requires, declared once on the hub class and
/// applied to each call by <see cref="HubMethodPolicyFilter"/>. Not an [Authorize]: on a hub class
/// that one would only guard the connection (which the hub mapping already does), never the calls.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class HubMethodPolicyAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}
