using System.Text.Json;
using Realtime.Grains.Idempotency;
using StackExchange.Redis;

namespace Realtime.Silo.Storage;

/// <summary>
/// Idempotency keys in Redis (Silo:Persistence Redis), one string each with its own expiry: a
/// claim is set only if the key is free (SET NX) and lapses after a minute; an answer replaces it
/// for 24 hours. Any silo and edge sees the same keys, and a restart forgets none.
/// </summary>
public sealed class RedisIdempotencyStore(RedisConnection redis) : IIdempotencyStore
{
    private const string KeyPrefix = "realtime:idempotency:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IdempotencyRecord?> ClaimAsync(string key, string requestHash)
    {
        var database = await redis.GetDatabaseAsync();
        var claim = JsonSerializer.Serialize(new IdempotencyRecord(requestHash, null), Json);
        if (await database.StringSetAsync(KeyPrefix + key, claim, IdempotencyKeys.ClaimTimeout, When.NotExists))
        {
            return null;
        }

        var held = await database.StringGetAsync(KeyPrefix + key);

        // Gone between the two calls (its claim lapsed): claimable again, by the caller's retry.
        return held.IsNull ? new IdempotencyRecord(requestHash, null) : JsonSerializer.Deserialize<IdempotencyRecord>(held.ToString(), Json);
    }

    public async Task CompleteAsync(string key, IdempotencyRecord record)
    {
        var database = await redis.GetDatabaseAsync();
        await database.StringSetAsync(KeyPrefix + key, JsonSerializer.Serialize(record, Json), IdempotencyKeys.Window);
    }

    public async Task ReleaseAsync(string key)
    {
        var database = await redis.GetDatabaseAsync();
        await database.KeyDeleteAsync(KeyPrefix + key);
    }
}
