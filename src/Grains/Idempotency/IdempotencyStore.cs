using System.Collections.Concurrent;

namespace Realtime.Grains.Idempotency;

/// <summary>What an idempotency key holds: the request's hash, the claim's id while it is claimed, and its answer once there is one.</summary>
public sealed record IdempotencyRecord(string RequestHash, StoredResponse? Response, string? ClaimId = null);

/// <summary>
/// Where idempotency keys are kept, each expiring by itself: a claim after
/// <see cref="IdempotencyKeys.ClaimTimeout"/>, an answer after <see cref="IdempotencyKeys.Window"/>
/// from its first use.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>Stores claim <paramref name="claimId"/> unless the key holds something; returns what it holds then (null: claimed).</summary>
    Task<IdempotencyRecord?> ClaimAsync(string key, string requestHash, string claimId);

    Task CompleteAsync(string key, IdempotencyRecord record);

    /// <summary>Frees the key if claim <paramref name="claimId"/> still holds it (null: whatever holds it).</summary>
    Task ReleaseAsync(string key, string? claimId);
}

/// <summary>Keys in this silo's memory (Silo:Persistence Memory), dropped when they expire.</summary>
public sealed class MemoryIdempotencyStore(TimeProvider timeProvider) : IIdempotencyStore
{
    private readonly ConcurrentDictionary<string, (IdempotencyRecord Record, DateTimeOffset Until)> _keys = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    public Task<IdempotencyRecord?> ClaimAsync(string key, string requestHash, string claimId)
    {
        var now = timeProvider.GetUtcNow();
        Sweep(now);
        var claim = (new IdempotencyRecord(requestHash, null, claimId), now + IdempotencyKeys.ClaimTimeout);
        var held = _keys.AddOrUpdate(key, claim, (_, existing) => existing.Until <= now ? claim : existing);
        return Task.FromResult(ReferenceEquals(held.Record, claim.Item1) ? null : held.Record);
    }

    public Task CompleteAsync(string key, IdempotencyRecord record)
    {
        _keys[key] = (record, timeProvider.GetUtcNow() + IdempotencyKeys.Window);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string key, string? claimId)
    {
        if (_keys.TryGetValue(key, out var held) && (claimId is null || held.Record.ClaimId == claimId))
        {
            // Removed only as read: a claim taken meanwhile is not this one.
            _keys.TryRemove(new KeyValuePair<string, (IdempotencyRecord, DateTimeOffset)>(key, held));
        }

        return Task.CompletedTask;
    }

    /// <summary>Once a minute, expired keys go: memory follows the keys used in the last 24 hours.</summary>
    private void Sweep(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + TimeSpan.FromMinutes(1)).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var entry in _keys)
        {
            if (entry.Value.Until <= now)
            {
                _keys.TryRemove(entry);
            }
        }
    }
}
