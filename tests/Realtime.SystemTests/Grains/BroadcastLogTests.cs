using Microsoft.Extensions.Time.Testing;
using Realtime.Grains.Workspaces;
using Realtime.Silo.Storage;
using StackExchange.Redis;

namespace Realtime.SystemTests.Grains;

/// <summary>
/// Where a workspace writes its broadcasts before accepting them, in both kinds: in the silo's
/// memory (embedded default) and in a real Redis server (production). Both answer the same.
/// </summary>
[Trait("Kind", "System")]
public sealed class BroadcastLogTests : IAsyncDisposable
{
    private static readonly RecoveryOptions Options = new() { Window = TimeSpan.FromMinutes(2), WorkspaceEvents = 5 };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private readonly List<RedisConnection> _connections = [];

    public static TheoryData<string> Kinds => ["memory", "redis"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task It_gives_back_an_epoch_s_broadcasts_after_a_sequence_as_they_were_written(string kind)
    {
        var log = Log(kind);
        await log.AppendAsync(_workspaceId, Broadcast(epoch: 7, sequence: 1, ["edge-a", "edge-b"]));
        await log.AppendAsync(_workspaceId, Broadcast(epoch: 9, sequence: 1, ["edge-a"]));
        await log.AppendAsync(_workspaceId, Broadcast(epoch: 7, sequence: 3, ["edge-a"]));
        await log.AppendAsync($"{_workspaceId}-other", Broadcast(epoch: 7, sequence: 4, ["edge-a"]));

        var found = await log.ReadAsync(_workspaceId, epoch: 7, afterSequence: 0);

        Assert.Equal([1L, 3L], found.Select(b => b.Sequence));
        var first = found[0];
        Assert.Equal((7L, _time.GetUtcNow(), "test:logged", """{"seq":1}"""), (first.Epoch, first.At, first.EventName, first.Payload));
        Assert.Equal(["edge-a", "edge-b"], first.EdgeIds);
        Assert.Equal([3L], (await log.ReadAsync(_workspaceId, epoch: 7, afterSequence: 1)).Select(b => b.Sequence));
        Assert.Empty(await log.ReadAsync(_workspaceId, epoch: 8, afterSequence: 0));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task It_keeps_the_last_broadcasts_up_to_the_count_and_none_older_than_the_window(string kind)
    {
        var log = Log(kind);
        for (var sequence = 1; sequence <= 8; sequence++)
        {
            await log.AppendAsync(_workspaceId, Broadcast(epoch: 7, sequence, ["edge-a"]));
        }

        Assert.Equal([4L, 5L, 6L, 7L, 8L], (await log.ReadAsync(_workspaceId, 7, 0)).Select(b => b.Sequence));

        _time.Advance(TimeSpan.FromMinutes(1));
        await log.AppendAsync(_workspaceId, Broadcast(epoch: 7, sequence: 9, ["edge-a"]));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal([9L], (await log.ReadAsync(_workspaceId, 7, 0)).Select(b => b.Sequence));
    }

    [Fact]
    public async Task In_redis_a_workspace_s_log_goes_a_window_after_its_last_broadcast()
    {
        var log = Log("redis");
        await log.AppendAsync(_workspaceId, Broadcast(epoch: 7, sequence: 1, ["edge-a"]));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisServer.ConnectionString);
        var timeToLive = await redis.GetDatabase().KeyTimeToLiveAsync($"realtime:broadcasts:{_workspaceId}");
        Assert.InRange(timeToLive!.Value, TimeSpan.FromMinutes(1), Options.Window);
    }

    [Fact]
    public async Task In_memory_a_workspace_quiet_for_a_window_is_dropped_while_others_broadcast()
    {
        var log = Log("memory");
        await log.AppendAsync(_workspaceId, Broadcast(epoch: 7, sequence: 1, ["edge-a"]));
        _time.Advance(Options.Window + TimeSpan.FromSeconds(1));
        await log.AppendAsync($"{_workspaceId}-busy", Broadcast(epoch: 3, sequence: 1, ["edge-a"]));

        Assert.Equal(1, ((MemoryBroadcastLog)log).Workspaces);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var redis in _connections)
        {
            await redis.DisposeAsync();
        }
    }

    private IBroadcastLog Log(string kind)
    {
        if (kind == "memory")
        {
            return new MemoryBroadcastLog(Microsoft.Extensions.Options.Options.Create(Options), _time);
        }

        var redis = new RedisConnection(ConfigurationOptions.Parse(RedisServer.ConnectionString));
        _connections.Add(redis);
        return new RedisBroadcastLog(redis, Microsoft.Extensions.Options.Options.Create(Options), _time);
    }

    private LoggedBroadcast Broadcast(long epoch, long sequence, string[] edgeIds) =>
        new(epoch, sequence, _time.GetUtcNow(), edgeIds, "test:logged", $$"""{"seq":{{sequence}}}""");
}
