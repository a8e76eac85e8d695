using System.Net;

namespace Realtime.Backend.Http;

/// <summary>
/// An answer of the HTTP API that is not 2xx, from its problem+json: the status, the title, and for
/// bad input (400) the <see cref="Errors"/> naming each field that was refused and why.
/// </summary>
public sealed class RealtimeApiException : HttpRequestException
{
    public RealtimeApiException(HttpStatusCode statusCode, string? title, IReadOnlyDictionary<string, string[]> errors, TimeSpan? retryAfter)
        : base(Describe(statusCode, title, errors), inner: null, statusCode)
    {
        Title = title;
        Errors = errors;
        RetryAfter = retryAfter;
    }

    /// <summary>The problem's title, e.g. "One or more validation errors occurred.".</summary>
    public string? Title { get; }

    /// <summary>Each refused field of the request (its name in the body or query) and why; empty when the problem names none.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>From <c>Retry-After</c> (429, 503, and 409 while the same Idempotency-Key is still being answered).</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(HttpStatusCode statusCode, string? title, IReadOnlyDictionary<string, string[]> errors)
    {
        var message = $"{(int)statusCode} {title ?? statusCode.ToString()}";
        return errors.Count == 0
            ? message
            : message + " " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
    }
}
