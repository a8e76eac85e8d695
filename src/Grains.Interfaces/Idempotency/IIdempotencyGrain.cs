namespace Realtime.Grains.Idempotency;

/// <summary>
/// One Idempotency-Key of one caller of the HTTP API, for 24 hours from its first request: the
/// request it was first used with (a hash of method, path and body) and the answer that request
/// got, so a retry to any edge answers the same and delivers nothing again. Key: a hash of the
/// caller and the key (<see cref="IdempotencyKeys.GrainKey"/>). Calls for one key are taken one
/// at a time.
/// </summary>
[Alias("realtime.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for a request, or says why not (another request holds it, or it was answered).</summary>
    [Alias("Begin")]
    Task<IdempotencyClaim> Begin(string requestHash);

    /// <summary>The request that claimed the key was answered: the answer is kept for the key's remaining window.</summary>
    [Alias("Complete")]
    Task Complete(string requestHash, StoredResponse response);

    /// <summary>
    /// The request that made claim <paramref name="claimId"/> failed without an answer worth keeping:
    /// a retry may try again. Only that claim is released: one that lapsed while its request ran
    /// and was taken by a retry stays the retry's.
    /// </summary>
    [Alias("Release")]
    Task Release(string claimId);

    /// <summary>
    /// What edges of the previous version call instead of <see cref="Release"/>: frees the key
    /// whoever holds it. Kept for a rolling upgrade (docs/contracts.md); remove it in the release
    /// after every edge calls Release.
    /// </summary>
    [Alias("Abandon")]
    Task Abandon(string requestHash);
}

[GenerateSerializer, Alias("realtime.IdempotencyOutcome")]
public enum IdempotencyOutcome
{
    /// <summary>First use: go ahead, then <see cref="IIdempotencyGrain.Complete"/> or <see cref="IIdempotencyGrain.Release"/>.</summary>
    Proceed = 0,

    /// <summary>The same request was answered: send <see cref="IdempotencyClaim.Response"/> again.</summary>
    Replay = 1,

    /// <summary>The key was used with another request.</summary>
    Conflict = 2,

    /// <summary>The same request is being handled right now.</summary>
    InProgress = 3,
}

/// <summary>The answer to <see cref="IIdempotencyGrain.Begin"/>; a claim that proceeds has an id, for <see cref="IIdempotencyGrain.Release"/>.</summary>
[GenerateSerializer, Immutable, Alias("realtime.IdempotencyClaim")]
public sealed record IdempotencyClaim(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] StoredResponse? Response = null,
    [property: Id(2)] string? ClaimId = null);

/// <summary>An HTTP answer as it was sent: status, content type and body.</summary>
[GenerateSerializer, Immutable, Alias("realtime.StoredResponse")]
public sealed record StoredResponse(
    [property: Id(0)] int Status,
    [property: Id(1)] string? ContentType,
    [property: Id(2)] byte[] Body);

/// <summary>How keys are named and bounded.</summary>
public static class IdempotencyKeys
{
    /// <summary>How long a key answers as it first did.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>How long a claim holds without an answer (its edge may have died mid-request); then a retry may proceed.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(1);

    public const int MaxLength = 128;

    /// <summary>The grain of a caller's key: a hash, so any characters of either stay out of grain and storage keys.</summary>
    public static string GrainKey(string caller, string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{caller}\n{key}")));
}
