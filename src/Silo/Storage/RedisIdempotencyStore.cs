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

    /// <summary>Deletes the key only while it holds the claim of ARGV[1]: one atomic step in Redis.</summary>
    private const string ReleaseClaim = """
        local held = redis.call('GET', KEYS[1])
        if held and cjson.decode(held).claimId == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    public async Task<IdempotencyRecord?> ClaimAsync(string key, string requestHash, string claimId)
    {
        var database = await redis.GetDatabaseAsync();
        var claim = JsonSerializer.Serialize(new IdempotencyRecord(requestHash, null, claimId), Json);
        if (await database.StringSetAsync(KeyPrefix + key, claim, IdempotencyKeys.ClaimTimeout, When.NotExists))
        {
            return null;
        }

        var held = await database.StringGetAsync(KeyPrefix + key);

        // Gone between the two calls (its claim lapsed): claimable again, by the caller's retry.
        return held.IsNull ? new IdempotencyRecord(requestHash, null, claimId) : JsonSerializer.Deserialize<IdempotencyRecord>(held.ToString(), Json);
    }

    public async Task CompleteAsync(string key, IdempotencyRecord record)
    {
        var database = await redis.GetDatabaseAsync();
        await database.StringSetAsync(KeyPrefix + key, JsonSerializer.Serialize(record, Json), IdempotencyKeys.Window);
    }

    public async Task ReleaseAsync(string key, string? claimId)
    {
        var database = await redis.GetDatabaseAsync();
        if (claimId is null)
        {
            await database.KeyDeleteAsync(KeyPrefix + key);
        }
        else
        {
            await database.ScriptEvaluateAsync(ReleaseClaim, [(RedisKey)(KeyPrefix + key)], [claimId]);
        }
    }
}
