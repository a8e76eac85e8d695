using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// Open connections per user id on this edge: each accepted connection holds one permit of its
/// user's concurrency limiter until it closes. Taking the permit is atomic, so a burst of
/// simultaneous connects cannot overshoot the limit.
/// </summary>
public sealed class UserConnectionLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public UserConnectionLimiter(IOptions<EdgeLimitsOptions> options)
    {
        Limit = options.Value.MaxConnectionsPerUser;
        if (Limit > 0)
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetConcurrencyLimiter(userId, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = Limit,
                QueueLimit = 0,
            }));
        }
    }

    public int Limit { get; }

    public string RefusalMessage => $"connection limit: at most {Limit} connections per user on this edge.";

    /// <summary>The permit of one more connection of <paramref name="userId"/>, or null at the limit. Dispose it when the connection ends.</summary>
    public IDisposable? TryAcquire(string userId)
    {
        if (_limiter is null)
        {
            return NoLimit.Instance;
        }

        var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    /// <summary>Whether <paramref name="userId"/> already holds every permit: a cheap early check, not a reservation.</summary>
    public bool IsAtLimit(string userId) =>
        _limiter?.GetStatistics(userId) is { CurrentAvailablePermits: <= 0 };

    public void Dispose() => _limiter?.Dispose();

    private sealed class NoLimit : IDisposable
    {
        public static readonly NoLimit Instance = new();

        public void Dispose()
        {
        }
    }
}
