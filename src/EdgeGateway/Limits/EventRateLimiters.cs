using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// Token buckets for hub invocations: one per connection and one per user id. Partitioned
/// limiters replenish every bucket from one timer and drop buckets that stayed full for a while,
/// so closed connections and gone users cost nothing for long.
/// </summary>
public sealed class EventRateLimiters : IDisposable
{
    private readonly EdgeLimitsOptions _options;
    private readonly PartitionedRateLimiter<string>? _perConnection;
    private readonly PartitionedRateLimiter<string>? _perUser;

    public EventRateLimiters(IOptions<EdgeLimitsOptions> limits)
    {
        var options = limits.Value;
        _options = options;
        if (options.EventsPerSecondPerConnection > 0)
        {
            _perConnection = TokenBuckets(options.EventsPerSecondPerConnection, options.EventBurstPerConnection);
        }

        if (options.EventsPerSecondPerUser > 0)
        {
            _perUser = TokenBuckets(options.EventsPerSecondPerUser, options.EventBurstPerUser);
        }
    }

    /// <summary>Takes one event from the connection's and the user's buckets; the refusal, if either is empty.</summary>
    public LimitRefusedException? TryAcquire(string connectionId, string userId)
    {
        if (_perConnection is not null)
        {
            using var lease = _perConnection.AttemptAcquire(connectionId);
            if (!lease.IsAcquired)
            {
                return new LimitRefusedException(
                    LimitNames.RateConnection,
                    $"rate limit: {_options.EventsPerSecondPerConnection} events per second per connection.");
            }
        }

        if (_perUser is not null)
        {
            using var lease = _perUser.AttemptAcquire(userId);
            if (!lease.IsAcquired)
            {
                return new LimitRefusedException(
                    LimitNames.RateUser,
                    $"rate limit: {_options.EventsPerSecondPerUser} events per second per user.");
            }
        }

        return null;
    }

    public void Dispose()
    {
        _perConnection?.Dispose();
        _perUser?.Dispose();
    }

    private static PartitionedRateLimiter<string> TokenBuckets(int perSecond, int burst) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,

            // The partitioned limiter replenishes all buckets from its own timer: no timer per connection.
            AutoReplenishment = false,
        }));
}
