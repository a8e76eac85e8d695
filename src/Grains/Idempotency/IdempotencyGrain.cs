namespace Realtime.Grains.Idempotency;

/// <summary>
/// One idempotency key: it keeps nothing itself. The key lives in the <see cref="IIdempotencyStore"/>
/// (Redis in production, so an edge or silo restart forgets none); one activation per key takes
/// its requests one at a time, so two retries racing on two edges cannot both proceed.
/// </summary>
public sealed class IdempotencyGrain(IIdempotencyStore store) : Grain, IIdempotencyGrain
{
    private string Key => this.GetPrimaryKeyString();

    public async Task<IdempotencyClaim> Begin(string requestHash)
    {
        var claimId = Guid.NewGuid().ToString("N");
        var held = await store.ClaimAsync(Key, requestHash, claimId);
        return held switch
        {
            null => new IdempotencyClaim(IdempotencyOutcome.Proceed, ClaimId: claimId),
            { RequestHash: var hash } when hash != requestHash => new IdempotencyClaim(IdempotencyOutcome.Conflict),
            { Response: { } response } => new IdempotencyClaim(IdempotencyOutcome.Replay, response),
            _ => new IdempotencyClaim(IdempotencyOutcome.InProgress),
        };
    }

    public Task Complete(string requestHash, StoredResponse response) =>
        store.CompleteAsync(Key, new IdempotencyRecord(requestHash, response));

    public Task Release(string claimId) => store.ReleaseAsync(Key, claimId);

    public Task Abandon(string requestHash) => store.ReleaseAsync(Key, claimId: null);
}
