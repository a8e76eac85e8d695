using Microsoft.Extensions.Time.Testing;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.UnitTests.Grains;

/// <summary>The numbered, linked and bounded history a workspace keeps so an edge can repair what it missed.</summary>
[Trait("Kind", "Unit")]
public sealed class WorkspaceFeedTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Each_copy_links_to_the_previous_event_sent_to_its_own_edge()
    {
        var feed = Feed();

        var first = feed.Append(["a", "b"], Broadcast(1), FeedRepair.Replay);
        var second = feed.Append(["a"], Broadcast(2), FeedRepair.Replay);
        var third = feed.Append(["a", "b"], Broadcast(3), FeedRepair.Replay);

        Assert.Equal([(1L, 0L), (1L, 0L)], first.Select(c => (c.Event.Position!.Sequence, c.Event.Position.Previous)));
        Assert.Equal((2L, 1L), (second.Single().Event.Position!.Sequence, second.Single().Event.Position!.Previous));
        Assert.Equal(2, third.Single(c => c.EdgeId == "a").Event.Position!.Previous);
        Assert.Equal(1, third.Single(c => c.EdgeId == "b").Event.Position!.Previous);
        Assert.All(first.Concat(third), c => Assert.Equal(("ws", feed.Epoch), (c.Event.Position!.WorkspaceId, c.Event.Position.Epoch)));
        Assert.Equal(new FeedHead(feed.Epoch, 3), feed.HeadFor("b"));
    }

    [Fact]
    public void Kept_entries_are_those_sent_to_the_edge_in_the_range_asked_and_transient_ones_are_not_kept()
    {
        var feed = Feed();
        feed.Append(["a", "b"], Broadcast(1), FeedRepair.Replay);
        feed.Append(["a", "b"], Broadcast(2), FeedRepair.None);
        feed.Append(["b"], Broadcast(3), FeedRepair.Join, ["conn-b"]);
        feed.Append(["a", "b"], Broadcast(4), FeedRepair.Presence, ["alice"]);
        feed.Append(["a", "b"], Broadcast(5), FeedRepair.Replay);

        Assert.Equal([4L, 5L], feed.Kept("a", 1, long.MaxValue).Select(e => e.Sequence));
        Assert.Equal([3L, 4L], feed.Kept("b", 2, 4).Select(e => e.Sequence));
        Assert.Equal(["conn-b"], feed.Kept("b", 2, 3).Single().Subjects);
        Assert.True(feed.Reaches(feed.Epoch, 0));
        Assert.False(feed.Reaches(feed.Epoch + 1, 5));
    }

    [Fact]
    public void History_is_bounded_by_age_count_and_bytes_and_says_when_it_no_longer_reaches()
    {
        var feed = Feed(window: TimeSpan.FromMinutes(2), events: 3, bytes: 64 * 1024);
        for (var i = 1; i <= 5; i++)
        {
            feed.Append(["a"], Broadcast(i), FeedRepair.Replay);
        }

        Assert.Equal([3L, 4L, 5L], feed.Kept("a", 0, long.MaxValue).Select(e => e.Sequence));
        Assert.False(feed.Reaches(feed.Epoch, 1));
        Assert.True(feed.Reaches(feed.Epoch, 2));

        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        feed.Append(["a"], Broadcast(6), FeedRepair.Replay);
        Assert.Equal([6L], feed.Kept("a", 0, long.MaxValue).Select(e => e.Sequence));
        Assert.False(feed.Reaches(feed.Epoch, 4));

        var small = Feed(events: 1000, bytes: 2048);
        for (var i = 1; i <= 10; i++)
        {
            small.Append(["a"], Broadcast(i, new string('x', 500)), FeedRepair.Replay);
        }

        Assert.InRange(small.Size.Bytes, 1, 2048);
        Assert.Equal(small.Size.Entries, small.Kept("a", 0, long.MaxValue).Count);
        Assert.InRange(small.Size.Entries, 1, 4);
    }

    [Fact]
    public void The_bytes_reported_for_the_silo_s_total_follow_what_is_kept_as_entries_come_and_go()
    {
        long reported = 0;
        var feed = new WorkspaceFeed("ws", new RecoveryOptions { Window = TimeSpan.FromMinutes(2), WorkspaceEvents = 3, WorkspaceBytes = 1024 * 1024 }, _time, delta => reported += delta);
        for (var i = 1; i <= 5; i++)
        {
            feed.Append(["a"], Broadcast(i, new string('x', 100 * i)), FeedRepair.Replay);
            Assert.Equal(feed.Size.Bytes, reported);
        }

        _time.Advance(TimeSpan.FromMinutes(3));
        feed.Append(["a"], Broadcast(6), FeedRepair.Replay);
        Assert.Equal(1, feed.Size.Entries);
        Assert.Equal(feed.Size.Bytes, reported);
    }

    [Fact]
    public void A_forgotten_edge_starts_its_links_afresh_and_every_activation_has_its_own_epoch()
    {
        var feed = Feed();
        feed.Append(["a"], Broadcast(1), FeedRepair.Replay);
        feed.ForgetEdge("a");

        var copy = feed.Append(["a"], Broadcast(2), FeedRepair.Replay).Single();

        Assert.Equal(0, copy.Event.Position!.Previous);
        Assert.NotEqual(feed.Epoch, Feed().Epoch);
    }

    [Fact]
    public void A_client_recovers_the_broadcasts_after_its_position_even_those_sent_while_no_edge_held_a_connection()
    {
        var feed = Feed();
        feed.Append(["a"], Broadcast(1), FeedRepair.Replay);
        feed.Append([], Broadcast(2), FeedRepair.Replay);
        feed.Append(["a"], Broadcast(3), FeedRepair.Presence, ["u1"]);
        feed.Append(["a"], Broadcast(4), FeedRepair.Replay);

        var kept = feed.ReplayableAfter(feed.Epoch, afterSequence: 1);

        Assert.NotNull(kept);
        Assert.Equal(4, kept.Value.Through);
        Assert.Equal(["{\"seq\":2,\"text\":\"\"}", "{\"seq\":4,\"text\":\"\"}"], kept.Value.Events.Select(e => ((RawJson)e.Deliveries[0].Payload).Json));

        // The one no edge had is never repaired to an edge: it was not sent to any.
        Assert.DoesNotContain(feed.Kept("a", 0, 4), e => e.Sequence == 2);
    }

    [Fact]
    public void A_position_of_another_epoch_past_the_end_or_before_what_is_kept_recovers_nothing()
    {
        var feed = Feed(events: 2);
        for (var seq = 1; seq <= 4; seq++)
        {
            feed.Append(["a"], Broadcast(seq), FeedRepair.Replay);
        }

        Assert.Null(feed.ReplayableAfter(feed.Epoch + 1, 3));
        Assert.Null(feed.ReplayableAfter(feed.Epoch, 5));
        Assert.Null(feed.ReplayableAfter(feed.Epoch, -1));
        Assert.Null(feed.ReplayableAfter(feed.Epoch, 1));
        Assert.Empty(feed.ReplayableAfter(feed.Epoch, 4)!.Value.Events);
    }

    [Fact]
    public void A_position_older_than_the_window_recovers_nothing_even_when_nothing_followed_it()
    {
        var feed = Feed(window: TimeSpan.FromMinutes(2));
        feed.Append(["a"], Broadcast(1), FeedRepair.Replay);
        Assert.True(feed.CanRecover(feed.Epoch, 1));

        _time.Advance(TimeSpan.FromMinutes(3));

        Assert.False(feed.CanRecover(feed.Epoch, 1));
        Assert.Null(feed.ReplayableAfter(feed.Epoch, 1));
    }

    [Fact]
    public void Presence_and_inbox_payloads_carry_their_event_s_position_the_same_object_for_every_delivery()
    {
        var feed = Feed();
        var presence = new WorkspacePresence("ws", []);
        var message = new InboxMessage("ws", "c1", "m1", "u1", true, "hello", null, _time.GetUtcNow());
        feed.Append(["a"], new EdgeEvent(RealtimeHubs.Presence, "presence:update", [new EdgeDelivery(EventAudience.Workspace("ws"), presence)], _time.GetUtcNow()), FeedRepair.Presence, ["u1"]);
        var inbox = feed.Append(["a", "b"], new EdgeEvent(RealtimeHubs.Inbox, "inbox:message", [new EdgeDelivery(EventAudience.InGroup("ws", "inbox"), message), new EdgeDelivery(EventAudience.InGroup("ws", "inbox:c1"), message)], _time.GetUtcNow()), FeedRepair.Replay);
        var typing = feed.Append(["a"], new EdgeEvent(RealtimeHubs.Presence, "presence:update", [new EdgeDelivery(EventAudience.Workspace("ws"), presence)], _time.GetUtcNow()), FeedRepair.None);

        var stamped = inbox.SelectMany(c => c.Event.Deliveries).Select(d => d.Payload).ToList();
        Assert.Single(stamped.Distinct(ReferenceEqualityComparer.Instance));
        Assert.Equal(new RecoveryPosition("ws", feed.Epoch, 2), RecoveryPosition.ReadFrom(stamped[0], "ws"));
        Assert.Null(RecoveryPosition.ReadFrom(typing.Single().Event.Deliveries[0].Payload, "ws"));
        Assert.Equal(2, RecoveryPosition.ReadFrom(feed.ReplayableAfter(feed.Epoch, 0)!.Value.Events.Single().Deliveries[0].Payload, "ws")!.Sequence);
    }

    private WorkspaceFeed Feed(TimeSpan? window = null, int events = 256, int bytes = 1024 * 1024) =>
        new("ws", new RecoveryOptions { Window = window ?? TimeSpan.FromMinutes(2), WorkspaceEvents = events, WorkspaceBytes = bytes }, _time);

    private EdgeEvent Broadcast(int seq, string text = "") =>
        EdgeEvent.To(RealtimeHubs.Realtime, EventAudience.Workspace("ws"), "test:feed", new RawJson($"{{\"seq\":{seq},\"text\":\"{text}\"}}"), _time.GetUtcNow());
}
