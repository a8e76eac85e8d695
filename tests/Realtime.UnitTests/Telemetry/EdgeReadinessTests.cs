using Microsoft.Extensions.Time.Testing;
using Realtime.EdgeGateway.Draining;
using Realtime.EdgeGateway.Health;

namespace Realtime.UnitTests.Telemetry;

/// <summary>An edge is ready only while connected to a gateway, subscribed to its stream and within its lease.</summary>
[Trait("Kind", "Unit")]
public sealed class EdgeReadinessTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_starting_edge_is_not_ready_and_says_why()
    {
        var readiness = new EdgeReadiness(_time, new EdgeDrainState());

        Assert.Equal(3, readiness.Problems().Count);
    }

    [Fact]
    public void Connected_subscribed_and_leased_is_ready()
    {
        var readiness = Ready();

        Assert.Empty(readiness.Problems());
    }

    [Fact]
    public void A_lease_not_renewed_in_time_makes_it_unready_until_renewed()
    {
        var readiness = Ready();

        _time.Advance(Lease);
        Assert.Contains(readiness.Problems(), p => p.Contains("lease", StringComparison.Ordinal));

        readiness.LeaseHeldUntil(_time.GetUtcNow() + Lease);
        Assert.Empty(readiness.Problems());
    }

    [Fact]
    public void Losing_every_gateway_makes_it_unready_until_one_is_back()
    {
        var readiness = Ready();

        readiness.NotifyGatewayCountChanged(0, 1, connectionRecovered: false);
        readiness.NotifyClusterConnectionLost();
        Assert.Contains(readiness.Problems(), p => p.Contains("gateway", StringComparison.Ordinal));

        readiness.NotifyGatewayCountChanged(1, 0, connectionRecovered: true);
        Assert.Empty(readiness.Problems());
    }

    [Fact]
    public void A_stopping_edge_is_not_ready()
    {
        var readiness = Ready();

        readiness.StreamUnsubscribed();
        readiness.LeaseEnded();

        Assert.Equal(2, readiness.Problems().Count);
    }

    [Fact]
    public void A_draining_edge_is_not_ready_though_still_connected_and_leased()
    {
        var drain = new EdgeDrainState();
        var readiness = Ready(drain);

        Assert.True(drain.Begin());
        Assert.False(drain.Begin());

        Assert.Contains(readiness.Problems(), p => p.Contains("shutting down", StringComparison.Ordinal));
    }

    private EdgeReadiness Ready(EdgeDrainState? drain = null)
    {
        var readiness = new EdgeReadiness(_time, drain ?? new EdgeDrainState());
        readiness.NotifyGatewayCountChanged(1, 0, connectionRecovered: true);
        readiness.StreamSubscribed();
        readiness.LeaseHeldUntil(_time.GetUtcNow() + Lease);
        return readiness;
    }
}
