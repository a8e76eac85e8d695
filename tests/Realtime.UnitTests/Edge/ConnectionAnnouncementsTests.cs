using Microsoft.Extensions.Time.Testing;
using Realtime.EdgeGateway.Presence;

namespace Realtime.UnitTests.Edge;

/// <summary>
/// A delivery to a connection still registering waits until the hub has told it <c>connected</c>,
/// however long the registration and a recovery take (a workspace reactivating on another silo),
/// so that <c>connected</c> stays its first event; only a registration that is never announced is
/// given up, after the backstop.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class ConnectionAnnouncementsTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_delivery_waits_through_a_slow_registration_until_connected_is_sent()
    {
        var announcements = new ConnectionAnnouncements(_clock);
        announcements.Registering("c1");
        var delivery = announcements.WhenAnnouncedAsync("c1", CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(delivery.IsCompleted);

        announcements.Announced("c1");
        await delivery.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_registration_never_announced_holds_its_delivery_only_up_to_the_backstop()
    {
        var announcements = new ConnectionAnnouncements(_clock);
        announcements.Registering("c1");
        var delivery = announcements.WhenAnnouncedAsync("c1", CancellationToken.None);

        _clock.Advance(ConnectionAnnouncements.MaxWait - TimeSpan.FromMilliseconds(1));
        Assert.False(delivery.IsCompleted);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await delivery.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_delivery_to_a_connection_not_registering_goes_at_once()
    {
        var announcements = new ConnectionAnnouncements(_clock);
        announcements.Registering("c1");

        await announcements.WhenAnnouncedAsync("c2", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
