using Realtime.EdgeGateway.Telemetry;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// Counts the HTTP API requests refused for their body size. Kestrel refuses them while the body
/// is read (Edge:Limits:MaxRequestBodyBytes on the endpoint): the binding failure is thrown, and
/// the exception handler outside this middleware answers 413 problem+json.
/// </summary>
public sealed class RequestBodyLimitCounter(RequestDelegate next, EdgeMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException refused) when (refused.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Thrown for the exception handler outside to answer.
            metrics.LimitRejected(LimitNames.RequestBody, LimitNames.HttpApi);
            throw;
        }

        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            metrics.LimitRejected(LimitNames.RequestBody, LimitNames.HttpApi);
        }
    }
}
