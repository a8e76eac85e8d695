namespace Realtime.EdgeGateway.Health;

/// <summary>
/// Whether this edge can serve: connected to at least one silo gateway, subscribed to its event
/// stream, and holding an unexpired lease. Fed by the Orleans client (as a connection status
/// observer), <c>EdgeStreamSubscription</c> and <c>EdgeLeaseService</c>.
/// </summary>
public sealed class EdgeReadiness(TimeProvider time, Draining.EdgeDrainState drain) : IClusterConnectionStatusObserver
{
    private int _gateways;
    private int _subscribed;
    private long _leaseExpiresAtTicks;
    private long _gatewayLostAtTicks;

    /// <summary>What keeps the edge from being ready; empty when it is.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (drain.IsDraining)
        {
            problems.Add("is shutting down");
        }

        if (Volatile.Read(ref _gateways) <= 0)
        {
            problems.Add("not connected to any silo gateway");
        }

        if (Volatile.Read(ref _subscribed) == 0)
        {
            problems.Add("not subscribed to its event stream");
        }

        if (time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _leaseExpiresAtTicks))
        {
            problems.Add("holds no unexpired lease");
        }

        return problems;
    }

    public void StreamSubscribed() => Volatile.Write(ref _subscribed, 1);

    public void StreamUnsubscribed() => Volatile.Write(ref _subscribed, 0);

    /// <summary>The cluster keeps the edge's connections until <paramref name="expiresAt"/> (counted from before the renewal was sent).</summary>
    public void LeaseHeldUntil(DateTimeOffset expiresAt) => Interlocked.Exchange(ref _leaseExpiresAtTicks, expiresAt.UtcTicks);

    public void LeaseEnded() => Interlocked.Exchange(ref _leaseExpiresAtTicks, 0);

    /// <summary>When this edge last lost a silo gateway (its stream queues may have died with it); default when never.</summary>
    public DateTimeOffset GatewayLostAt => new(Interlocked.Read(ref _gatewayLostAtTicks), TimeSpan.Zero);

    public void NotifyClusterConnectionLost()
    {
        Volatile.Write(ref _gateways, 0);
        GatewayLost();
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        Volatile.Write(ref _gateways, currentNumberOfGateways);
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            GatewayLost();
        }
    }

    private void GatewayLost() => Interlocked.Exchange(ref _gatewayLostAtTicks, time.GetUtcNow().UtcTicks);
}
