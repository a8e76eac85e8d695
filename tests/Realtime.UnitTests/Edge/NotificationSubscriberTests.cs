using Microsoft.Extensions.Time.Testing;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Notifications;
using Realtime.Grains.Notifications;

namespace Realtime.UnitTests.Edge;

/// <summary>
/// A /notifications connection's mark at the edge: each notification reaches it once, in order; a
/// gap (an earlier one lost on the way) stops live delivery until a catch-up fills it; a barrier
/// that never comes is given up after the attach timeout.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class NotificationSubscriberTests
{
    private static readonly ConnectionIdentity Alice = new("alice", "w1");
    private static readonly NotificationIds AliceIds = new("w1", "alice");
    private static readonly TimeSpan AttachTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_connection_waiting_past_the_attach_timeout_for_its_barrier_reports_a_gap_and_counts_as_stalled()
    {
        var subscriber = Live(latest: 3);
        subscriber.Suspend();
        _clock.Advance(AttachTimeout - TimeSpan.FromMilliseconds(1));

        Assert.False(subscriber.Stalled);
        Assert.Equal(NotificationDelivery.Skip, subscriber.Take(Notice(4), live: true));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(subscriber.Stalled);
        Assert.Equal(NotificationDelivery.Gap, subscriber.Take(Notice(5), live: true));

        // Attaching again restarts the wait; the catch-up then brings 4 and 5, and it goes live.
        subscriber.Suspend();
        Assert.False(subscriber.Stalled);
        Assert.Equal(AliceIds.Format(3), subscriber.ResumeFromId);
        Assert.Equal(NotificationDelivery.Send, subscriber.Take(Notice(4), live: false));
        Assert.Equal(NotificationDelivery.Send, subscriber.Take(Notice(5), live: false));
        subscriber.GoLive(AliceIds.Format(5));
        _clock.Advance(AttachTimeout);
        Assert.False(subscriber.Stalled);
    }

    [Fact]
    public void Nothing_is_delivered_live_before_the_connection_goes_live()
    {
        var subscriber = Subscriber(lastSeenId: null);

        Assert.Equal(NotificationDelivery.Skip, subscriber.Take(Notice(1), live: true));
        Assert.Null(subscriber.ResumeFromId);
    }

    [Fact]
    public void Live_notifications_after_the_barrier_are_sent_once_each()
    {
        var subscriber = Live(latest: 3);

        Assert.Equal(NotificationDelivery.Send, subscriber.Take(Notice(4), live: true));
        Assert.Equal(NotificationDelivery.Skip, subscriber.Take(Notice(4), live: true));
        Assert.Equal(NotificationDelivery.Skip, subscriber.Take(Notice(2), live: true));
        Assert.Equal(NotificationDelivery.Send, subscriber.Take(Notice(5), live: true));
        Assert.Equal(AliceIds.Format(5), subscriber.ResumeFromId);
    }

    [Fact]
    public void A_gap_stops_live_delivery_until_a_catch_up_fills_it_without_repeats()
    {
        var subscriber = Live(latest: 3);
        Assert.Equal(NotificationDelivery.Send, subscriber.Take(Notice(4), live: true));

        Assert.Equal(NotificationDelivery.Gap, subscriber.Take(Notice(6), live: true));
        Assert.False(subscriber.Live);
        Assert.Equal(NotificationDelivery.Skip, subscriber.Take(Notice(7), live: true));
        Assert.Equal(AliceIds.Format(4), subscriber.ResumeFromId);

        // The catch-up of attaching again from 4: what it already had is skipped, the rest sent in order.
        Assert.Equal(
            [NotificationDelivery.Skip, NotificationDelivery.Send, NotificationDelivery.Send, NotificationDelivery.Send],
            new[] { 4, 5, 6, 7 }.Select(n => subscriber.Take(Notice(n), live: false)));
        subscriber.GoLive(AliceIds.Format(7));
        Assert.Equal(NotificationDelivery.Skip, subscriber.Take(Notice(7), live: true));
        Assert.Equal(NotificationDelivery.Send, subscriber.Take(Notice(8), live: true));
    }

    [Fact]
    public void Unwanted_types_are_not_sent_but_count_as_had()
    {
        var subscriber = Live(latest: 0);
        subscriber.Subscribe(new HashSet<string>(StringComparer.Ordinal) { NotificationTypes.Crisis });

        Assert.Equal(NotificationDelivery.Skip, subscriber.Take(Notice(1, NotificationTypes.Message), live: true));
        Assert.Equal(NotificationDelivery.Send, subscriber.Take(Notice(2, NotificationTypes.Crisis), live: true));
    }

    [Fact]
    public void A_connection_resumes_from_the_id_it_connected_with_until_it_goes_live()
    {
        var subscriber = Subscriber(AliceIds.Format(9));
        Assert.Equal(AliceIds.Format(9), subscriber.ResumeFromId);

        // Someone else's id is no mark at all.
        Assert.Null(Subscriber(new NotificationIds("w1", "bob").Format(9)).ResumeFromId);
    }

    private NotificationConnections.Subscriber Subscriber(string? lastSeenId) => new("c1", Alice, lastSeenId, _clock, AttachTimeout);

    private NotificationConnections.Subscriber Live(long latest)
    {
        var subscriber = Subscriber(lastSeenId: null);
        subscriber.GoLive(latest > 0 ? AliceIds.Format(latest) : null);
        return subscriber;
    }

    private static Notification Notice(long sequence, string type = NotificationTypes.Message) =>
        new(AliceIds.Format(sequence), type, $"n{sequence}", "", null, "alice", "w1", DateTimeOffset.UnixEpoch, Read: false);
}
