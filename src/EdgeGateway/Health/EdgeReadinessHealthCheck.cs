using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.EdgeGateway.Health;

/// <summary>/health/ready of an edge: see <see cref="EdgeReadiness"/>.</summary>
public sealed class EdgeReadinessHealthCheck(EdgeReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = readiness.Problems();
        var result = problems.Count == 0
            ? HealthCheckResult.Healthy("Connected, subscribed and leased.")
            : HealthCheckResult.Unhealthy($"The edge {string.Join("; ", problems)}.");
        return Task.FromResult(result);
    }
}
