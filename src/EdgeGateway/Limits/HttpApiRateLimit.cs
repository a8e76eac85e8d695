using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Telemetry;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// The HTTP API's rate per caller (Edge:Limits:HttpRequestsPerSecondPerCaller, a token bucket per
/// token user id on this edge), with ASP.NET Core's rate limiting: over it, 429 problem+json with
/// Retry-After, counted as <see cref="LimitNames.RateCaller"/>. Runs after authorization, so a
/// caller is who the token says, and before idempotency keys, so a refused request claims none.
/// </summary>
public static class HttpApiRateLimit
{
    public const string PolicyName = "http-api";

    public static IServiceCollection AddHttpApiRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<EdgeLimitsOptions>>((options, limitsOptions) =>
        {
            var limits = limitsOptions.Value;
            options.OnRejected = (context, _) => RejectAsync(context, limits);
            options.AddPolicy(PolicyName, http => limits.HttpRequestsPerSecondPerCaller == 0
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetTokenBucketLimiter(http.User.FindFirstValue(RealtimeClaims.UserId) ?? "", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.HttpBurstPerCaller,
                    TokensPerPeriod = limits.HttpRequestsPerSecondPerCaller,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, EdgeLimitsOptions limits)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.RequestServices.GetRequiredService<EdgeMetrics>().LimitRejected(LimitNames.RateCaller, LimitNames.HttpApi);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = $"rate limit: {limits.HttpRequestsPerSecondPerCaller} requests per second per caller.",
            },
        });
    }
}
