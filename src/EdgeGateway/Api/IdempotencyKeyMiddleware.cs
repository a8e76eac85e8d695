using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Idempotency;

namespace Realtime.EdgeGateway.Api;

/// <summary>Marks a route whose POSTs honour an Idempotency-Key (every service write).</summary>
public sealed class IdempotentWritesMetadata;

/// <summary>
/// Idempotency-Key on the HTTP API's POSTs (docs/protocol.md): the same key from the same caller within
/// 24 hours answers as the first request did (status, content type, body, and
/// <c>Idempotent-Replayed: true</c>) and runs nothing again, on whichever edge it lands; the key
/// with another request (method, path or body) is 422; while the first is still being answered,
/// 409 with <c>Retry-After</c>. The keys live in the cluster (<see cref="IIdempotencyGrain"/>).
/// An answer of 5xx or 429 is not kept: the request may be tried again with the same key.
/// </summary>
public sealed class IdempotencyKeyMiddleware(RequestDelegate next, IGrainFactory grains)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Not async where it passes: a hub's WebSocket request would keep this frame for its connection's life.</summary>
    public Task InvokeAsync(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && context.GetEndpoint()?.Metadata.GetMetadata<IdempotentWritesMetadata>() is not null
        && context.Request.Headers.TryGetValue(HeaderName, out var values)
            ? InvokeWithKeyAsync(context, values)
            : next(context);

    private async Task InvokeWithKeyAsync(HttpContext context, StringValues values)
    {
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]) || values[0]!.Length > IdempotencyKeys.MaxLength)
        {
            await Results.ValidationProblem(new Dictionary<string, string[]> { [HeaderName] = [$"one value of 1 to {IdempotencyKeys.MaxLength} characters"] }).ExecuteAsync(context);
            return;
        }

        var caller = context.User.FindFirstValue(RealtimeClaims.UserId) ?? "";
        var key = grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey(caller, values[0]!));
        var requestHash = await HashAsync(context.Request);
        var claim = await key.Begin(requestHash);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                await ReplayAsync(context, claim.Response!);
                return;
            case IdempotencyOutcome.Conflict:
                await Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: $"This {HeaderName} was used with another request.").ExecuteAsync(context);
                return;
            case IdempotencyOutcome.InProgress:
                context.Response.Headers.RetryAfter = "1";
                await Results.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A request with this {HeaderName} is being answered; try again shortly.").ExecuteAsync(context);
                return;
        }

        await AnswerAndKeepAsync(context, key, requestHash, claim.ClaimId!);
    }

    /// <summary>Runs the request with its answer captured, keeps the answer, then sends it.</summary>
    private async Task AnswerAndKeepAsync(HttpContext context, IIdempotencyGrain key, string requestHash, string claimId)
    {
        var body = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        catch
        {
            await key.Release(claimId);
            throw;
        }
        finally
        {
            context.Response.Body = body;
        }

        var status = context.Response.StatusCode;
        if (status >= StatusCodes.Status500InternalServerError || status == StatusCodes.Status429TooManyRequests)
        {
            await key.Release(claimId);
        }
        else
        {
            await key.Complete(requestHash, new StoredResponse(status, context.Response.ContentType, captured.ToArray()));
        }

        captured.Position = 0;
        await captured.CopyToAsync(body, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, StoredResponse response)
    {
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        context.Response.Headers[ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>Method, path and body: what makes two requests the same request.</summary>
    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

public static class IdempotencyKeyExtensions
{
    /// <summary>After authorization: a key is the caller's, and a refused request keeps nothing.</summary>
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.UseMiddleware<IdempotencyKeyMiddleware>();
}
