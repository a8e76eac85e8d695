using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Realtime.Grains.Hosting;
using Realtime.Grains;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.Grains;

/// <summary>Notification grains on a 2-silo cluster; run on in-memory and on Redis providers.</summary>
public abstract class NotificationGrainTests(TestCluster cluster)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private IClusterClient Client => cluster.Client;

    private NotificationService Service => new(Client);

    [Fact]
    public async Task Notifications_are_ordered_kept_and_counted_per_user()
    {
        var first = await Service.SendMentionNotification("alice", _workspaceId, "bob", "Look at this");
        var second = await Service.SendPostPublishedNotification("alice", _workspaceId, "Launch", new { postId = "p1", platforms = new[] { "x" } });
        var third = await Service.SendNotification("alice", _workspaceId, NotificationTypes.System, "Maintenance", "Tonight");

        var page = await Inbox("alice").List(null, 10, unreadOnly: false);

        Assert.Equal([third.Id, second.Id, first.Id], page.Notifications.Select(n => n.Id));
        Assert.Equal(3, page.UnreadCount);
        Assert.Equal("""{"postId":"p1","platforms":["x"]}""", page.Notifications[1].Data!.Json);
        Assert.All(page.Notifications, n => Assert.Equal(("alice", _workspaceId, false), (n.UserId, n.WorkspaceId, n.Read)));
        Assert.True(Sequence(first.Id) < Sequence(second.Id) && Sequence(second.Id) < Sequence(third.Id));
    }

    [Fact]
    public async Task Read_and_read_all_change_the_unread_count()
    {
        var a = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "1", "");
        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "2", "");
        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "3", "");

        Assert.Equal(new NotificationReadAck(a.Id, false, 2), await Inbox("alice").MarkRead(a.Id));
        Assert.Equal(new NotificationReadAck(a.Id, false, 2), await Inbox("alice").MarkRead(a.Id));
        Assert.Equal(2, (await Inbox("alice").List(null, 10, unreadOnly: true)).Notifications.Count);
        Assert.Equal(new NotificationReadAck(null, true, 0), await Inbox("alice").MarkAllRead());
        Assert.Equal(0, await Inbox("alice").GetUnreadCount());
    }

    [Fact]
    public async Task Another_users_or_an_unknown_id_is_refused_and_changes_nothing()
    {
        var bobs = await Service.SendNotification("bob", _workspaceId, NotificationTypes.Message, "for bob", "");
        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "for alice", "");

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Inbox("alice").MarkRead(bobs.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Inbox("alice").MarkRead("999-ffffffff"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Inbox("alice").MarkRead("not-an-id"));

        Assert.Equal(1, await Inbox("alice").GetUnreadCount());
        Assert.Equal(1, await Inbox("bob").GetUnreadCount());
    }

    [Theory]
    [InlineData("party", "title", "message", 0)]
    [InlineData("mention", "", "message", 0)]
    [InlineData("mention", "title", "LONG", 0)]
    [InlineData("mention", "title", "message", 20_000)]
    public async Task Bad_drafts_are_refused_and_nothing_is_stored(string type, string title, string message, int dataBytes)
    {
        var data = dataBytes > 0 ? new { blob = new string('x', dataBytes) } : null;
        var text = message == "LONG" ? new string('m', NotificationDraftRules.MaxMessageLength + 1) : message;

        await Assert.ThrowsAsync<ArgumentException>(() => Service.SendNotification("alice", _workspaceId, type, title, text, data));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.SendWorkspaceNotification(_workspaceId, type, title, text, data));

        Assert.Empty((await Inbox("alice").List(null, 10, unreadOnly: false)).Notifications);
    }

    [Fact]
    public async Task Over_the_bound_the_oldest_read_notifications_go_first()
    {
        const int Bound = 200;
        var sent = new List<Notification>();
        for (var i = 0; i < Bound; i++)
        {
            sent.Add(await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, $"n{i}", ""));
        }

        await Inbox("alice").MarkRead(sent[10].Id);
        await Inbox("alice").MarkRead(sent[20].Id);
        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "over 1", "");
        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "over 2", "");
        var afterReadOnesWent = await AllIds();
        Assert.Equal(Bound, afterReadOnesWent.Count);
        Assert.DoesNotContain(sent[10].Id, afterReadOnesWent);
        Assert.DoesNotContain(sent[20].Id, afterReadOnesWent);
        Assert.Contains(sent[0].Id, afterReadOnesWent);

        await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "over 3", "");
        var afterNoReadOnesLeft = await AllIds();
        Assert.Equal(Bound, afterNoReadOnesLeft.Count);
        Assert.DoesNotContain(sent[0].Id, afterNoReadOnesLeft);
    }

    [Fact]
    public async Task Kept_notifications_and_their_read_state_survive_a_reactivation()
    {
        // Several pages' worth, some read, one page emptied by the bound.
        var sent = new List<Notification>();
        for (var i = 0; i < 3 * NotificationPages.PageSize + 5; i++)
        {
            sent.Add(await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, $"n{i}", ""));
        }

        foreach (var read in new[] { 0, 3, NotificationPages.PageSize + 1, sent.Count - 1 })
        {
            await Inbox("alice").MarkRead(sent[read].Id);
        }

        var before = await Inbox("alice").List(null, 1000, unreadOnly: false);

        await GrainActivations.DeactivateAsync(Client, Inbox("alice"));

        var after = await Inbox("alice").List(null, 1000, unreadOnly: false);
        Assert.Equal(before.Notifications, after.Notifications);
        Assert.Equal(before.UnreadCount, after.UnreadCount);
        Assert.Equal(sent.Count - 4, after.UnreadCount);
        var next = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "next", "");
        Assert.Equal(Sequence(sent[^1].Id) + 1, Sequence(next.Id));
    }

    [Fact]
    public async Task Notifications_kept_as_one_list_by_an_earlier_version_are_moved_into_pages_and_none_is_lost()
    {
        var grain = Inbox("alice");
        var ids = new NotificationIds(_workspaceId, "alice");
        var legacy = new NotificationState { LastSequence = 40, LastWorkspaceSequence = 0 };
        for (var sequence = 3; sequence <= 40; sequence++)
        {
            legacy.Items.Add(new StoredNotification(sequence, new Notification(
                ids.Format(sequence), NotificationTypes.Message, $"old {sequence}", "", null, "alice", _workspaceId, DateTimeOffset.UnixEpoch.AddMinutes(sequence), Read: sequence % 5 == 0)));
        }

        var storage = Storage();
        await storage.WriteStateAsync("notifications", grain.GetGrainId(), new GrainState<NotificationState>(legacy));

        var page = await grain.List(null, 1000, unreadOnly: false);
        Assert.Equal(legacy.Items.Select(i => i.Notification).Reverse(), page.Notifications);
        Assert.Equal(legacy.Items.Count(i => !i.Notification.Read), page.UnreadCount);

        var moved = new GrainState<NotificationState>(new NotificationState());
        await storage.ReadStateAsync("notifications", grain.GetGrainId(), moved);
        Assert.Empty(moved.State!.Items);
        Assert.Equal([0, 1, 2], moved.State.Pages);

        await grain.MarkRead(ids.Format(4));
        await GrainActivations.DeactivateAsync(Client, grain);
        var reread = await grain.List(null, 1000, unreadOnly: false);
        Assert.Equal(legacy.Items.Count, reread.Notifications.Count);
        Assert.True(reread.Notifications.Single(n => n.Id == ids.Format(4)).Read);
        Assert.Equal(ids.Format(41), (await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "new", "")).Id);
    }

    [Fact]
    public async Task A_workspace_notification_reaches_connected_members_now_and_others_when_they_connect_each_with_own_read_state()
    {
        await Presence("alice").Connect(new EdgeConnection("a1", "edge-a"));
        await Presence("bob").Connect(new EdgeConnection("b1", "edge-b"));

        var crisis = await Service.SendCrisisAlert(_workspaceId, "Negative spike", new { severity = "high" });

        var alices = await Eventually.UntilAsync(() => Inbox("alice").List(null, 10, false), p => p.Notifications.Count == 1, "alice's copy");
        await Eventually.UntilAsync(() => Inbox("bob").List(null, 10, false), p => p.Notifications.Count == 1, "bob's copy");
        Assert.Empty((await Inbox("carol").List(null, 10, false)).Notifications);
        await Inbox("alice").MarkRead(alices.Notifications[0].Id);

        await Inbox("carol").Attach("c1", "edge-c", null);

        var carols = (await Inbox("carol").List(null, 10, false)).Notifications;
        Assert.Equal(("crisis", "Negative spike", false), (carols[0].Type, carols[0].Message, carols[0].Read));
        Assert.Equal(1, crisis.Sequence);
        Assert.Equal(0, await Inbox("alice").GetUnreadCount());
        Assert.Equal(1, await Inbox("bob").GetUnreadCount());
        Assert.NotEqual(alices.Notifications[0].Id, carols[0].Id);
    }

    [Fact]
    public async Task New_notifications_go_to_the_edges_holding_the_users_connections()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await Presence("alice").Connect(new EdgeConnection("a1", edge.EdgeId));

        var sent = await Service.SendApprovalNotification("alice", _workspaceId, "bob", "Post for Friday");

        var evt = await edge.Events.WaitForAsync(e => e.Payloads<Notification>(RealtimeEvents.Notification).Any(), "the notification");
        Assert.Equal(EventAudience.User(_workspaceId, "alice"), Assert.Single(evt.Deliveries).Audience);
        Assert.Equal(sent, Assert.Single(evt.Deliveries).Payload);
        Assert.Equal(RealtimeHubs.Notifications, evt.Hubs);
    }

    [Fact]
    public async Task A_connection_catches_up_once_and_then_receives_live()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        await Presence("alice").Connect(new EdgeConnection("a1", edge.EdgeId));
        var seen = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "seen", "");
        var missed1 = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "missed 1", "");
        var missed2 = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "missed 2", "");

        await Inbox("alice").Attach("a2", edge.EdgeId, seen.Id);
        var live = await Service.SendNotification("alice", _workspaceId, NotificationTypes.Message, "live", "");
        await Inbox("alice").Sync("a2", edge.EdgeId, seen.Id);

        var catchUps = await Eventually.UntilAsync(
            () => Task.FromResult(edge.Events.Snapshot().SelectMany(e => e.Payloads<NotificationCatchUp>(RealtimeEvents.NotificationCatchUp)).ToList()),
            c => c.Count == 2,
            "the attach and the sync catch-ups");
        Assert.Equal([missed1.Id, missed2.Id], catchUps[0].Missed.Select(n => n.Id));
        Assert.True(catchUps[0].GoLive);
        Assert.Equal(3, catchUps[0].UnreadCount);
        Assert.Equal([missed1.Id, missed2.Id], catchUps[1].Missed.Select(n => n.Id));
        Assert.False(catchUps[1].GoLive);
        var events = edge.Events.Snapshot().ToList();
        var barrier = events.FindIndex(e => e.EventName == RealtimeEvents.NotificationCatchUp);
        var liveEvent = events.FindIndex(e => e.Payloads<Notification>(RealtimeEvents.Notification).Any(n => n.Id == live.Id));
        Assert.True(barrier < liveEvent, "the live notification comes after the connection's barrier");
    }

    /// <summary>The grain storage provider the silos use, as an earlier version of the grain wrote to it.</summary>
    private IGrainStorage Storage() =>
        cluster.Silos.OfType<InProcessSiloHandle>().First().SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Realtime);

    private INotificationGrain Inbox(string userId) => Client.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));

    private IUserPresenceGrain Presence(string userId) => Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));

    private async Task<List<string>> AllIds() =>
        (await Inbox("alice").List(null, 1000, unreadOnly: false)).Notifications.Select(n => n.Id).ToList();

    private static long Sequence(string id) => long.Parse(id[..id.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
}

[Trait("Kind", "System")]
[Collection(InMemoryClusterCollection.Name)]
public sealed class InMemoryNotificationGrainTests(InMemoryClusterFixture fixture) : NotificationGrainTests(fixture.Cluster);

[Trait("Kind", "System")]
[Collection(RedisClusterCollection.Name)]
public sealed class RedisNotificationGrainTests(RedisClusterFixture fixture) : NotificationGrainTests(fixture.Cluster);
