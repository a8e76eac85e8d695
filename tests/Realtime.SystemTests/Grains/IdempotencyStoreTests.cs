using Microsoft.Extensions.Time.Testing;
using Realtime.Grains.Idempotency;
using Realtime.Silo.Storage;
using StackExchange.Redis;

namespace Realtime.SystemTests.Grains;

/// <summary>Where idempotency keys are kept, in memory (embedded default) and in a real Redis (production).</summary>
[Trait("Kind", "System")]
public sealed class IdempotencyStoreTests : IAsyncDisposable
{
    private static readonly StoredResponse Answer = new(202, "application/json", """{"id":"1-abc"}"""u8.ToArray());

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly string _key = Guid.NewGuid().ToString("N");
    private readonly RedisConnection _redis = new(ConfigurationOptions.Parse(RedisServer.ConnectionString));

    public static TheoryData<string> Kinds => ["memory", "redis"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_key_is_claimed_once_then_holds_its_answer_or_is_released(string kind)
    {
        var store = Store(kind);

        Assert.Null(await store.ClaimAsync(_key, "h1", "c1"));
        Assert.Equal(new IdempotencyRecord("h1", null, "c1"), await store.ClaimAsync(_key, "h1", "c2"));
        await store.CompleteAsync(_key, new IdempotencyRecord("h1", Answer));
        var held = await store.ClaimAsync(_key, "h2", "c3");
        Assert.Equal(("h1", 202, "application/json"), (held!.RequestHash, held.Response!.Status, held.Response.ContentType));
        Assert.Equal(Answer.Body, held.Response.Body);

        await store.ReleaseAsync(_key, claimId: null);
        Assert.Null(await store.ClaimAsync(_key, "h2", "c4"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_claim_is_released_only_by_its_own_request(string kind)
    {
        var store = Store(kind);
        Assert.Null(await store.ClaimAsync(_key, "h1", "retry"));

        // The first request's claim lapsed while it ran, and a retry took the key: its late release frees nothing.
        await store.ReleaseAsync(_key, "first");
        Assert.Equal(new IdempotencyRecord("h1", null, "retry"), await store.ClaimAsync(_key, "h1", "third"));

        await store.ReleaseAsync(_key, "retry");
        Assert.Null(await store.ClaimAsync(_key, "h1", "third"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_answer_is_never_released_by_a_claim(string kind)
    {
        var store = Store(kind);
        Assert.Null(await store.ClaimAsync(_key, "h1", "c1"));
        await store.CompleteAsync(_key, new IdempotencyRecord("h1", Answer));

        await store.ReleaseAsync(_key, "c1");

        Assert.Equal(202, (await store.ClaimAsync(_key, "h1", "c2"))!.Response!.Status);
    }

    [Fact]
    public async Task In_memory_a_claim_lapses_after_a_minute_and_an_answer_after_a_day()
    {
        var store = Store("memory");
        await store.ClaimAsync(_key, "h1", "c1");
        _time.Advance(IdempotencyKeys.ClaimTimeout);
        Assert.Null(await store.ClaimAsync(_key, "h2", "c2"));

        await store.CompleteAsync(_key, new IdempotencyRecord("h2", Answer));
        _time.Advance(IdempotencyKeys.Window - TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.ClaimAsync(_key, "h2", "c3"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.ClaimAsync(_key, "h3", "c4"));
    }

    [Fact]
    public async Task In_redis_a_claim_expires_in_a_minute_and_an_answer_in_a_day()
    {
        var store = Store("redis");
        var database = await _redis.GetDatabaseAsync();

        await store.ClaimAsync(_key, "h1", "c1");
        Assert.InRange((await database.KeyTimeToLiveAsync($"realtime:idempotency:{_key}"))!.Value, TimeSpan.FromSeconds(50), IdempotencyKeys.ClaimTimeout);
        await store.CompleteAsync(_key, new IdempotencyRecord("h1", Answer));
        Assert.InRange((await database.KeyTimeToLiveAsync($"realtime:idempotency:{_key}"))!.Value, IdempotencyKeys.Window - TimeSpan.FromMinutes(1), IdempotencyKeys.Window);
    }

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    private IIdempotencyStore Store(string kind) => kind == "memory" ? new MemoryIdempotencyStore(_time) : new RedisIdempotencyStore(_redis);
}
