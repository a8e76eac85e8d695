namespace Realtime.SystemTests.Infrastructure;

// The shared fixtures (tests/Realtime.TestFixtures) as collections of this assembly: xUnit v2 finds
// collection definitions only in the test assembly itself. The in-memory ones are here for the
// classes that run the same tests in memory and on Redis.

[CollectionDefinition(Name)]
public sealed class EmbeddedSystemCollection : ICollectionFixture<EmbeddedSystemFixture>
{
    public const string Name = "Embedded system";
}

[CollectionDefinition(Name)]
public sealed class RedisSystemCollection : ICollectionFixture<RedisSystemFixture>
{
    public const string Name = "Redis system";
}

[CollectionDefinition(Name)]
public sealed class InMemoryClusterCollection : ICollectionFixture<InMemoryClusterFixture>
{
    public const string Name = "In-memory test cluster";
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis test cluster";
}
