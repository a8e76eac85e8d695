namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// A backstop for a stop that did not go through ApplicationStopping with connections open:
/// registered last among the hosted services, it stops first, before the lease is left.
/// </summary>
public sealed class EdgeDrainService(EdgeDrainer drainer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => drainer.DrainAsync();
}
