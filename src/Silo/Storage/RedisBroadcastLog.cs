using Microsoft.Extensions.Options;
using Realtime.Grains.Workspaces;
using StackExchange.Redis;

namespace Realtime.Silo.Storage;

/// <summary>
/// The broadcast log in Redis (Silo:Persistence Redis): one stream per workspace, trimmed to
/// <see cref="RecoveryOptions.WorkspaceEvents"/> entries and gone a <see cref="RecoveryOptions.Window"/>
/// after its last broadcast, so a silo that dies takes none of its workspaces' broadcasts with it.
/// </summary>
public sealed class RedisBroadcastLog(RedisConnection redis, IOptions<RecoveryOptions> options, TimeProvider timeProvider) : IBroadcastLog
{
    private const string KeyPrefix = "realtime:broadcasts:";
    private const char EdgeSeparator = '\n';

    private readonly RecoveryOptions _options = options.Value;

    public async Task AppendAsync(string workspaceId, LoggedBroadcast broadcast)
    {
        var database = await redis.GetDatabaseAsync();
        var key = Key(workspaceId);
        NameValueEntry[] fields =
        [
            new("epoch", broadcast.Epoch),
            new("seq", broadcast.Sequence),
            new("at", broadcast.At.ToUnixTimeMilliseconds()),
            new("edges", string.Join(EdgeSeparator, broadcast.EdgeIds)),
            new("event", broadcast.EventName),
            new("payload", broadcast.Payload),
        ];

        // Sent together on one connection: the entry and the key's new lifetime.
        var added = database.StreamAddAsync(key, fields, maxLength: _options.WorkspaceEvents);
        var expiry = database.KeyExpireAsync(key, _options.Window);
        await Task.WhenAll(added, expiry);
    }

    public async Task<IReadOnlyList<LoggedBroadcast>> ReadAsync(string workspaceId, long epoch, long afterSequence)
    {
        var database = await redis.GetDatabaseAsync();
        var entries = await database.StreamRangeAsync(Key(workspaceId));
        var oldest = timeProvider.GetUtcNow() - _options.Window;
        var found = new List<LoggedBroadcast>();
        foreach (var entry in entries)
        {
            var broadcast = Parse(entry);
            if (broadcast is not null && broadcast.Epoch == epoch && broadcast.Sequence > afterSequence && broadcast.At >= oldest)
            {
                found.Add(broadcast);
            }
        }

        return found;
    }

    private static RedisKey Key(string workspaceId) => KeyPrefix + workspaceId;

    private static LoggedBroadcast? Parse(StreamEntry entry)
    {
        if (!entry["epoch"].TryParse(out long epoch)
            || !entry["seq"].TryParse(out long sequence)
            || !entry["at"].TryParse(out long at)
            || entry["event"].IsNull
            || entry["payload"].IsNull)
        {
            return null;
        }

        var edges = entry["edges"].ToString();
        return new LoggedBroadcast(
            epoch,
            sequence,
            DateTimeOffset.FromUnixTimeMilliseconds(at),
            edges.Length == 0 ? [] : edges.Split(EdgeSeparator),
            entry["event"]!,
            entry["payload"]!);
    }
}
