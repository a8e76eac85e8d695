using Realtime.EdgeGateway.Telemetry;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// Counts the HTTP API requests refused for their body size. Kestrel refuses them while the body
/// is read (Edge:Limits:MaxRequestBodyBytes on the endpoint) and the endpoint answers 413, which
/// the status code pages outside this middleware turn into a problem.
/// </summary>
public sealed class RequestBodyLimitCounter(RequestDelegate next, EdgeMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            metrics.LimitRejected(LimitNames.RequestBody, LimitNames.HttpApi);
        }
    }
}
