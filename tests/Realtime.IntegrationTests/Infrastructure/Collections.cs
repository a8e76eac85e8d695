namespace Realtime.IntegrationTests.Infrastructure;

// The shared fixtures (tests/Realtime.TestFixtures) as collections of this assembly: xUnit v2 finds
// collection definitions only in the test assembly itself.

[CollectionDefinition(Name)]
public sealed class EmbeddedSystemCollection : ICollectionFixture<EmbeddedSystemFixture>
{
    public const string Name = "Embedded system";
}

[CollectionDefinition(Name)]
public sealed class FakeTimeClusterCollection : ICollectionFixture<FakeTimeClusterFixture>
{
    public const string Name = "Fake-time test cluster";
}

[CollectionDefinition(Name)]
public sealed class SmallThresholdClusterCollection : ICollectionFixture<SmallThresholdClusterFixture>
{
    public const string Name = "Small-threshold test cluster";
}
