namespace Realtime.TestFixtures;

/// <summary>The embedded default (one silo, in-memory providers) with one edge.</summary>
public sealed class EmbeddedSystemFixture : IAsyncLifetime
{
    public RealtimeSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await RealtimeSystem.StartEmbeddedAsync();

    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>Production providers: 2 silos on Redis clustering, storage and reminders, with 2 edges.</summary>
public sealed class RedisSystemFixture : IAsyncLifetime
{
    public RealtimeSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await RealtimeSystem.StartOnRedisAsync(siloCount: 2, edgeCount: 2);

    public async Task DisposeAsync() => await System.DisposeAsync();
}
