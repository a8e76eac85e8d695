using Orleans.Serialization;

namespace Realtime.EdgeGateway.Hosting;

/// <summary>
/// Failures of the way to the grains, not of the request: a silo stopping or dead and not yet
/// known dead, no gateway reachable, a call timing out, or a silo-side failure whose type the edge
/// does not know (the storage client's, say). Nothing was done; the same call may be tried again.
/// HTTP answers them 503, hubs with a hub error saying so.
/// </summary>
public static class ClusterUnavailable
{
    public const string Message = "The cluster could not take this right now; nothing was done. Try again.";

    /// <summary>
    /// How long a stopping edge waits for each goodbye to the cluster (leaving its lease, dropping
    /// its stream subscription). Without a cluster the stop goes on: the lease lapses and the
    /// subscription is removed with it.
    /// </summary>
    public static readonly TimeSpan StopCallTimeout = TimeSpan.FromSeconds(5);

    public static bool IsTransient(Exception exception) => exception is
        TimeoutException or
        OrleansMessageRejectionException or
        Orleans.Runtime.Messaging.ConnectionFailedException or
        Orleans.Networking.Shared.SocketConnectionException or
        SiloUnavailableException or
        GatewayTooBusyException or
        UnavailableExceptionFallbackException;
}
