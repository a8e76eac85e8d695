using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Limits;

namespace Realtime.EdgeGateway.Api;

/// <summary>What every route a backend service writes through has in common.</summary>
public static class ServiceApi
{
    /// <summary>
    /// A group of write routes: role service or admin, bodies up to Edge:Limits:MaxRequestBodyBytes,
    /// an Idempotency-Key honoured on every POST, and the services' refusals of bad input answered
    /// as 400 or 404 problem+json.
    /// </summary>
    public static RouteGroupBuilder MapServiceWrites(this IEndpointRouteBuilder endpoints, string prefix)
    {
        var limits = endpoints.ServiceProvider.GetRequiredService<IOptions<EdgeLimitsOptions>>().Value;
        var group = endpoints.MapGroup(prefix)
            .RequireAuthorization(RealtimePolicies.Service)
            .AddEndpointFilter<ServiceRefusalProblems>()
            .AsHttpApi()
            .AnswersProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status422UnprocessableEntity);
        group.WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBodyBytes), new IdempotentWritesMetadata());
        return group;
    }

    /// <summary>
    /// A body that is missing, or lacks required fields: 400 naming each (null when all are there).
    /// Each field is given as its name in the body and whether it was there.
    /// </summary>
    public static IResult? Missing(object? body, params (string Field, bool Present)[] fields)
    {
        if (body is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [BadRequestProblems.BodyField] = ["a JSON object is required"] });
        }

        var missing = fields.Where(f => !f.Present).ToDictionary(f => f.Field, _ => new[] { "is required" });
        return missing.Count == 0 ? null : Results.ValidationProblem(missing);
    }

    /// <summary>
    /// What every route of the HTTP API has: the caller's rate limit, and the problems any route can
    /// answer (bad input naming the field, no valid token, a token the policy refuses, over the rate,
    /// the cluster unable to take it right now).
    /// </summary>
    public static TBuilder AsHttpApi<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .RequireRateLimiting(HttpApiRateLimit.PolicyName)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]))
            .AnswersProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);

    /// <summary>Problem+json answers of these statuses, for the API document (on a group or a route).</summary>
    public static TBuilder AnswersProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        }

        return builder;
    }

    /// <summary>A success answer without a body, for the API document (on a group or a route).</summary>
    public static TBuilder Answers<TBuilder>(this TBuilder builder, int status)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(void)));

    /// <summary>400 naming one field.</summary>
    public static IResult Invalid(string field, string error) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });
}
