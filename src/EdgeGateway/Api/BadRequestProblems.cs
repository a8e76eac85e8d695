using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Realtime.EdgeGateway.Api;

/// <summary>
/// What the HTTP API could not bind (malformed JSON, a body that is not JSON or not an object, a
/// field of the wrong JSON type, an unparsable query or route value) becomes 400 problem+json
/// whose <c>errors</c> name the field, in every environment. (A body of another media type is
/// answered 415 by ASP.NET Core itself, and the status code pages make it problem+json.) ASP.NET Core reports these as
/// <see cref="BadHttpRequestException"/>; they are thrown everywhere (not only in Development) so
/// that this one handler answers them all the same way.
/// </summary>
public sealed partial class BadRequestProblems(IProblemDetailsService problems, ILogger<BadRequestProblems> logger) : IExceptionHandler
{
    /// <summary>The field named when the body as a whole is wrong.</summary>
    public const string BodyField = "body";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        LogRefused(httpContext.Request.Method, httpContext.Request.Path.Value ?? "", bad.StatusCode, bad.Message);
        ProblemDetails problem;
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            problem = new ProblemDetails { Status = bad.StatusCode, Title = "The request body is too large." };
        }
        else
        {
            var (field, error) = Describe(bad);
            problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [error] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more validation errors occurred.",
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    private static (string Field, string Error) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            return (FieldOf(json.Path), "not valid here: " + (json.Path is null or "$" ? "the body must be a JSON object" : "a value of the wrong JSON type, or malformed JSON"));
        }

        var binding = ParameterBinding().Match(bad.Message);
        if (binding.Success)
        {
            return (binding.Groups["name"].Value, $"must be {Expected(binding.Groups["type"].Value)}");
        }

        var required = RequiredParameter().Match(bad.Message);
        return required.Success
            ? (required.Groups["name"].Value, "is required")
            : (BodyField, "could not be read");
    }

    /// <summary>The top-level field of a JSON path: "$.title" is "title", "$.data.items[2]" is "data"; the root is the body.</summary>
    private static string FieldOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return BodyField;
        }

        var end = path.AsSpan(2).IndexOfAny('.', '[');
        return end < 0 ? path[2..] : path.Substring(2, end);
    }

    private static string Expected(string type) => type.TrimEnd('?') switch
    {
        "int" or "long" => "an integer",
        "bool" => "true or false",
        "DateTimeOffset" or "DateTime" => "an ISO-8601 timestamp",
        _ => "a valid " + type.TrimEnd('?'),
    };

    /// <summary>ASP.NET Core's message for a query, route or header value it could not parse.</summary>
    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from """)]
    private static partial Regex ParameterBinding();

    [GeneratedRegex("""^Required parameter "(?:.+ )?(?<name>[^ "]+)" was not provided""")]
    private static partial Regex RequiredParameter();

    [LoggerMessage(1, LogLevel.Debug, "{Method} {Path} refused with {Status}: {Reason}")]
    private partial void LogRefused(string method, string path, int status, string reason);
}
