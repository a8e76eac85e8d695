namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// Whether this edge is shutting down. Once set, readiness fails (a load balancer stops routing
/// here) and new hub connections are refused, so clients go to another edge.
/// </summary>
public sealed class EdgeDrainState
{
    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>True the first time only.</summary>
    public bool Begin() => Interlocked.Exchange(ref _draining, 1) == 0;
}
