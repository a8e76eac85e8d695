using Microsoft.AspNetCore.Mvc;
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
        var limits = endpoints.ServiceProvider.GetRequiredService<EdgeLimitsOptions>();
        var group = endpoints.MapGroup(prefix)
            .RequireAuthorization(RealtimePolicies.Service)
            .AddEndpointFilter<ServiceRefusalProblems>();
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

    /// <summary>400 naming one field.</summary>
    public static IResult Invalid(string field, string error) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });
}
