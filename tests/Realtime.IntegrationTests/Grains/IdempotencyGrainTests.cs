using Realtime.Grains.Idempotency;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.Grains;

/// <summary>
/// One Idempotency-Key through its grain, on the test clock: a request that outran its claim
/// cannot free the claim a retry took meanwhile, and the previous version's release still works.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(FakeTimeClusterCollection.Name)]
public sealed class IdempotencyGrainTests(FakeTimeClusterFixture fixture)
{
    private readonly IIdempotencyGrain _key = fixture.Cluster.Client.GetGrain<IIdempotencyGrain>($"key-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_request_that_outran_its_claim_cannot_release_the_retry_s()
    {
        var first = await _key.Begin("h1");
        RealtimeTestClusterFixture.FakeTime.Advance(IdempotencyKeys.ClaimTimeout);
        var retry = await _key.Begin("h1");
        Assert.Equal((IdempotencyOutcome.Proceed, IdempotencyOutcome.Proceed), (first.Outcome, retry.Outcome));

        await _key.Release(first.ClaimId!);
        Assert.Equal(IdempotencyOutcome.InProgress, (await _key.Begin("h1")).Outcome);

        await _key.Release(retry.ClaimId!);
        Assert.Equal(IdempotencyOutcome.Proceed, (await _key.Begin("h1")).Outcome);
    }

    [Fact]
    public async Task The_previous_versions_abandon_still_frees_the_key()
    {
        // Edges of the previous version send it until a rolling upgrade reaches them.
        await _key.Begin("h1");

        await _key.Abandon("h1");

        Assert.Equal(IdempotencyOutcome.Proceed, (await _key.Begin("h1")).Outcome);
    }
}
