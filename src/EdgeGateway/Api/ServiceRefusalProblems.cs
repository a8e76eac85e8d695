namespace Realtime.EdgeGateway.Api;

/// <summary>
/// The services' refusal of bad input as the HTTP API's answer: an <see cref="ArgumentException"/>
/// (an invalid id or name, data over its size) is 400 problem+json naming its field, a
/// <see cref="KeyNotFoundException"/> (no such conversation) 404. The same refusals reach hub
/// callers as hub errors; other failures stay server errors.
/// </summary>
public sealed class ServiceRefusalProblems : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ArgumentException ex)
        {
            var field = string.IsNullOrEmpty(ex.ParamName) ? BadRequestProblems.BodyField : ex.ParamName;
            var message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
            return Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
        }
        catch (KeyNotFoundException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: ex.Message);
        }
    }
}
