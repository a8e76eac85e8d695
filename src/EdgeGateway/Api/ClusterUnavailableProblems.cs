using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Realtime.EdgeGateway.Hosting;

namespace Realtime.EdgeGateway.Api;

/// <summary>
/// A request the cluster could not take right now (<see cref="ClusterUnavailable"/>) is answered
/// 503 problem+json with <c>Retry-After</c>, not 500: nothing was accepted, and the same request
/// (with the same Idempotency-Key) may be sent again.
/// </summary>
public sealed partial class ClusterUnavailableProblems(IProblemDetailsService problems, ILogger<ClusterUnavailableProblems> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 1;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!ClusterUnavailable.IsTransient(exception))
        {
            return false;
        }

        LogUnavailable(httpContext.Request.Method, httpContext.Request.Path.Value ?? "", exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = ClusterUnavailable.Message,
            },
        });
    }

    [LoggerMessage(1, LogLevel.Warning, "{Method} {Path} answered 503: the cluster could not take it ({Exception}: {Reason})")]
    private partial void LogUnavailable(string method, string path, string exception, string reason);
}
