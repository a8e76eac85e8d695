using Orleans.Concurrency;

namespace Realtime.Grains.Sessions;

/// <summary>
/// The cluster's list of revoked sessions (key 0): a user's access removed, in one workspace or in
/// all. Every edge closes that user's connections at once and refuses their tokens issued before
/// the revocation until those expire; an edge that starts later reads the list. Entries are kept
/// for <see cref="SessionRevocation.KeepFor"/>, the longest a token lives.
/// </summary>
[Alias("realtime.ISessionRevocationGrain")]
public interface ISessionRevocationGrain : IGrainWithIntegerKey
{
    /// <summary>Records the revocation, tells every live edge, and waits up to a second for them to close the user's connections.</summary>
    [Alias("Revoke")]
    Task<RevocationResult> Revoke(string userId, string? workspaceId, string reason);

    /// <summary>An edge closed <paramref name="connections"/> connections for the revocation.</summary>
    [Alias("Closed"), OneWay, AlwaysInterleave]
    Task Closed(Guid revocationId, string edgeId, int connections);

    /// <summary>The revocations still in force, for an edge that starts or checks again.</summary>
    [Alias("GetActive"), ReadOnly]
    Task<IReadOnlyList<SessionRevocation>> GetActive();
}

/// <summary>
/// The user's sessions (in <see cref="WorkspaceId"/>, or everywhere when null) before <see cref="At"/>
/// are over: their connections close after <c>session:revoked { reason }</c>, their tokens issued
/// before then (or in the same second) are refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.SessionRevocation")]
public sealed record SessionRevocation(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string UserId,
    [property: Id(2)] string? WorkspaceId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Reason)
{
    /// <summary>How long a revocation is kept: the longest a token lives (after that, every token issued before it has expired).</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromHours(24);

    public const int MaxReasonLength = 200;

    /// <summary>What is wrong with a revocation's input, by field as the HTTP API names it (empty when nothing).</summary>
    public static Dictionary<string, string[]> Validate(string? userId, string? workspaceId, string? reason)
    {
        var errors = new Dictionary<string, string[]>();
        if (!RealtimeIds.IsValid(userId))
        {
            errors["userId"] = ["a valid user id"];
        }

        if (workspaceId is not null && !RealtimeIds.IsValid(workspaceId))
        {
            errors["workspaceId"] = ["a valid workspace id, or none for every workspace"];
        }

        if (reason?.Length > MaxReasonLength)
        {
            errors["reason"] = [$"at most {MaxReasonLength} characters"];
        }

        return errors;
    }

    /// <summary>Whether a token of <paramref name="userId"/> issued at <paramref name="issuedAt"/> (whole seconds) is refused for <paramref name="workspaceId"/>.</summary>
    public bool Refuses(string userId, string? workspaceId, DateTimeOffset issuedAt) =>
        UserId == userId
        && (WorkspaceId is null || WorkspaceId == workspaceId)
        && issuedAt.ToUnixTimeSeconds() <= At.ToUnixTimeSeconds();
}

/// <summary>What revoking did: connections closed on the edges that answered within a second.</summary>
[GenerateSerializer, Immutable, Alias("realtime.RevocationResult")]
public sealed record RevocationResult(
    [property: Id(0)] SessionRevocation Revocation,
    [property: Id(1)] int Closed,
    [property: Id(2)] int EdgesAnswered,
    [property: Id(3)] int EdgesAsked);
