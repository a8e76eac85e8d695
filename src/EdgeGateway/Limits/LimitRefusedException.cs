using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// A hub error that also says which limit refused the call, so that the limits filter can count
/// it; the client sees only the message, like any HubException.
/// </summary>
public sealed class LimitRefusedException(string limit, string message) : HubException(message)
{
    /// <summary>One of <see cref="LimitNames"/>.</summary>
    public string Limit { get; } = limit;
}
