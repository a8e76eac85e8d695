using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.Silo.Health;

/// <summary>
/// Ready when the cluster's membership lists this silo as Active: it has joined and takes
/// grain calls. Joining, shutting down or declared dead is not ready.
/// </summary>
public sealed class SiloActiveHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
        var result = status == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active in the cluster.")
            : HealthCheckResult.Unhealthy($"The silo is {status} in the cluster.");
        return Task.FromResult(result);
    }
}
