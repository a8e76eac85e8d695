using System.Text.Json;
using Realtime.Client;
using Realtime.EdgeGateway.Draining;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Sessions;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// Realtime.Orleans.Client against real Kestrel edges: typed events on each hub, missed
/// notifications recovered from the position store, after an edge drains a reconnection through
/// the load balancer to the other edge with every subscription renewed, and the workspace's
/// broadcasts missed meanwhile recovered from the last recoveryPosition (or the app told to reload).
/// </summary>
[Trait("Kind", "Integration")]
public sealed class ClientPackageTests : IAsyncLifetime
{
    private readonly string _workspaceId = $"client-{Guid.NewGuid():N}";
    private RealtimeSystem _system = null!;
    private int _tokensIssued;

    public async Task InitializeAsync() => _system = await RealtimeSystem.StartEmbeddedAsync(edgeCount: 2);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Each_hub_s_events_arrive_typed()
    {
        await using var client = new RealtimeClient(Options(_system.EdgeUrls[0]));
        var notifications = Log<Client.Notification>(h => client.Notifications.NotificationReceived += h);
        var followers = Log<DashboardFollowersUpdate>(h => client.Dashboard.FollowersUpdated += h);
        var messages = Log<Client.InboxMessage>(h => client.Inbox.MessageReceived += h);
        var conversations = Log<InboxConversation>(h => client.Inbox.ConversationUpdated += h);
        var broadcasts = new EventLog<JsonElement>();
        client.Realtime.On<JsonElement>("campaign:launched", broadcasts.Add);
        var connected = Log<ConnectedEvent>(h => client.Notifications.Connected += h);
        await Task.WhenAll(client.Notifications.StartAsync(), client.Dashboard.StartAsync(), client.Inbox.StartAsync(), client.Realtime.StartAsync());
        await client.Dashboard.SubscribeAsync(["instagram"]);
        await client.Inbox.SubscribeAsync();

        var sent = await Service<NotificationService>().SendMentionNotification("alice", _workspaceId, "bob", "@alice the caption", new { postId = "post_1" });
        await Service<DashboardService>().BroadcastFollowerUpdate(_workspaceId, "tiktok", "acc_2", 900, 1);
        await Service<DashboardService>().BroadcastFollowerUpdate(_workspaceId, "instagram", "acc_1", 15230, 42);
        await Service<InboxService>().AddCustomerMessage(_workspaceId, "conv_1", "m1", "customer_1", "Where is my order?");
        await Service<InboxService>().AssignConversation(_workspaceId, "conv_1", "alice");
        await Service<RealtimeService>().BroadcastToWorkspace(_workspaceId, "campaign:launched", new { name = "Spring" });

        Assert.Equal("alice", (await connected.WaitForAsync(_ => true, "connected")).UserId);
        var notification = await notifications.WaitForAsync(n => n.Id == sent.Id, "the mention");
        Assert.Equal(("mention", "post_1", false), (notification.Type, notification.Data!.Value.GetProperty("postId").GetString(), notification.Read));
        var update = await followers.WaitForAsync(_ => true, "the instagram follower update");
        Assert.Equal(("instagram", "acc_1", 15230L, 42L), (update.Platform, update.AccountId, update.Followers, update.Change));
        Assert.DoesNotContain(followers.Snapshot(), f => f.Platform == "tiktok");
        var message = await messages.WaitForAsync(_ => true, "the customer's message");
        Assert.Equal(("conv_1", "customer_1", true, "Where is my order?"), (message.ConversationId, message.AuthorId, message.FromCustomer, message.Content));
        var conversation = await conversations.WaitForAsync(c => c.ConversationId == "conv_1", "the conversation update");
        Assert.Equal(("alice", "open", "m1"), (conversation.Assignee, conversation.Status, conversation.LastMessage!.MessageId));
        Assert.Equal("Spring", (await broadcasts.WaitForAsync(_ => true, "the broadcast")).GetProperty("name").GetString());

        var ack = await client.Notifications.ReadAsync(sent.Id);
        Assert.Equal((sent.Id, 0), (ack.NotificationId, ack.UnreadCount));
    }

    [Fact]
    public async Task Notifications_sent_while_the_app_was_away_are_recovered_in_order_once_from_the_position_store()
    {
        var store = new InMemoryNotificationPositionStore();
        var first = new NotificationsClient(Options(_system.EdgeUrls[0]), store);
        var received = Log<Client.Notification>(h => first.NotificationReceived += h);
        await first.StartAsync();
        var before = await Service<NotificationService>().SendMentionNotification("alice", _workspaceId, "bob", "before");
        await received.WaitForAsync(n => n.Id == before.Id, "the first notification");
        await first.DisposeAsync();
        Assert.Equal(before.Id, await store.GetLastNotificationIdAsync(_workspaceId, default));

        List<string> missed = [];
        for (var i = 0; i < 3; i++)
        {
            missed.Add((await Service<NotificationService>().SendMentionNotification("alice", _workspaceId, "bob", $"missed {i}")).Id);
        }

        // The app again (a new client, the same store): the missed ones, in order, and not the one it had.
        await using var again = new NotificationsClient(Options(_system.EdgeUrls[0]), store);
        var recovered = Log<Client.Notification>(h => again.NotificationReceived += h);
        await again.StartAsync();
        await recovered.WaitForAsync(n => n.Id == missed[^1], "the last missed notification");
        Assert.Equal(missed, recovered.Snapshot().Select(n => n.Id));
    }

    [Fact]
    public async Task After_an_edge_drains_the_client_reconnects_to_the_other_edge_with_its_subscriptions_renewed()
    {
        await using var balancer = new LoopbackBalancer(_system.EdgeUrls);
        await using var client = new RealtimeClient(Options(balancer.Url));
        var drained = Log<ServerNotice>(h => client.Dashboard.Draining += h);
        var reconnected = new EventLog<string>();
        client.Dashboard.Reconnected += () => reconnected.Add("dashboard");
        client.Notifications.Reconnected += () => reconnected.Add("notifications");
        client.Inbox.Reconnected += () => reconnected.Add("inbox");
        var followers = Log<DashboardFollowersUpdate>(h => client.Dashboard.FollowersUpdated += h);
        var notifications = Log<Client.Notification>(h => client.Notifications.NotificationReceived += h);
        var messages = Log<Client.InboxMessage>(h => client.Inbox.MessageReceived += h);
        await Task.WhenAll(client.Dashboard.StartAsync(), client.Notifications.StartAsync(), client.Inbox.StartAsync());
        await client.Dashboard.SubscribeAsync(["instagram"]);
        await client.Notifications.SubscribeAsync([NotificationTypes.Mention]);
        await Service<InboxService>().AddCustomerMessage(_workspaceId, "conv_9", "m8", "customer_9", "Hello?");
        Assert.Equal("m8", (await client.Inbox.SubscribeAsync("conv_9"))!.LastMessage!.MessageId);
        var before = new[] { client.Dashboard.ConnectionId, client.Notifications.ConnectionId, client.Inbox.ConnectionId };
        var tokensBefore = Volatile.Read(ref _tokensIssued);

        await _system.EdgeService<EdgeDrainer>(0).DrainAsync();

        Assert.Equal("edge shutting down", (await drained.WaitForAsync(_ => true, "the reconnect event")).Reason);
        await reconnected.WaitForAsync(_ => reconnected.Snapshot().Distinct().Count() == 3, "all three hubs reconnected");
        Assert.DoesNotContain(client.Dashboard.ConnectionId, before);
        Assert.Equal(HubClientState.Connected, client.Inbox.State);
        Assert.True(Volatile.Read(ref _tokensIssued) >= tokensBefore + 3, "each reconnection asked the token factory again");

        // Served by the other edge now, with the filters of before: only instagram, only mentions, conv_9.
        await Service<DashboardService>().BroadcastFollowerUpdate(_workspaceId, "tiktok", "acc_2", 900, 1);
        await Service<DashboardService>().BroadcastFollowerUpdate(_workspaceId, "instagram", "acc_1", 200, 2);
        var approval = await Service<NotificationService>().SendApprovalNotification("alice", _workspaceId, "carol", "Friday");
        var mention = await Service<NotificationService>().SendMentionNotification("alice", _workspaceId, "bob", "after the drain");
        await Service<InboxService>().AddCustomerMessage(_workspaceId, "conv_9", "m9", "customer_9", "Still there?");

        await followers.WaitForAsync(f => f.Followers == 200, "the instagram update after the drain");
        await notifications.WaitForAsync(n => n.Id == mention.Id, "the mention after the drain");
        await messages.WaitForAsync(m => m.MessageId == "m9", "conv_9's message after the drain");
        Assert.DoesNotContain(followers.Snapshot(), f => f.Platform == "tiktok");
        Assert.DoesNotContain(notifications.Snapshot(), n => n.Id == approval.Id);
    }

    [Fact]
    public async Task After_an_edge_drains_the_realtime_client_resumes_from_its_last_position_and_gets_every_broadcast_once_in_order()
    {
        await using var balancer = new LoopbackBalancer(_system.EdgeUrls);
        var tokens = new TokenGate();
        await using var client = new RealtimeHubClient(Options(balancer.Url, tokens: tokens));
        var broadcasts = new EventLog<JsonElement>();
        client.On<JsonElement>(RecoveryEvent, broadcasts.Add);
        var connects = Log<ConnectedEvent>(h => client.Connected += h);
        var recoveries = Log<HubRecovery>(h => client.Recovery += h);
        var reconnecting = Log<Exception?>(h => client.Reconnecting += h);
        await client.StartAsync();
        var realtime = Service<RealtimeService>();
        await realtime.BroadcastToWorkspace(_workspaceId, RecoveryEvent, new { seq = 1 });
        var first = await broadcasts.WaitForAsync(b => Seq(b) == 1, "broadcast 1");
        Assert.Equal(first.GetProperty("recoveryPosition").GetString(), client.RecoveryPosition);
        Assert.Empty(recoveries.Snapshot());

        // The client stays away (its reconnection waits for a token) while the backend goes on broadcasting.
        tokens.Hold();
        await _system.EdgeService<EdgeDrainer>(0).DrainAsync();
        await reconnecting.WaitForAsync(_ => true, "the reconnection");
        for (var seq = 2; seq <= 5; seq++)
        {
            await realtime.BroadcastToWorkspace(_workspaceId, RecoveryEvent, new { seq });
        }

        tokens.Release();
        Assert.Equal(new HubRecovery("realtime", true), await recoveries.WaitForAsync(_ => true, "the recovery"));
        await broadcasts.WaitForAsync(b => Seq(b) == 5, "the last missed broadcast");
        await realtime.BroadcastToWorkspace(_workspaceId, RecoveryEvent, new { seq = 6 });
        await broadcasts.WaitForAsync(b => Seq(b) == 6, "the live broadcast after recovering");

        Assert.Equal(Enumerable.Range(1, 6), broadcasts.Snapshot().Select(Seq));
        Assert.Equal([false, true], connects.Snapshot().Select(c => c.Recovered).ToList());
        Assert.Single(recoveries.Snapshot());
        Assert.Equal(broadcasts.Snapshot()[^1].GetProperty("recoveryPosition").GetString(), client.RecoveryPosition);
    }

    [Fact]
    public async Task After_an_edge_drains_the_inbox_client_restores_its_conversations_in_one_step_and_every_one_recovers()
    {
        var inbox = Service<InboxService>();
        await inbox.AddCustomerMessage(_workspaceId, "c1", "a1", "customer", "hello");
        await inbox.AddCustomerMessage(_workspaceId, "c2", "b1", "customer", "hello");
        await using var balancer = new LoopbackBalancer(_system.EdgeUrls);
        var tokens = new TokenGate();
        await using var client = new InboxClient(Options(balancer.Url, tokens: tokens));
        var messages = Log<Realtime.Client.InboxMessage>(h => client.MessageReceived += h);
        var recoveries = Log<HubRecovery>(h => client.Recovery += h);
        var reconnecting = Log<Exception?>(h => client.Reconnecting += h);
        await client.StartAsync();
        await client.SubscribeAsync("c1");
        await client.SubscribeAsync("c2");
        await inbox.AddCustomerMessage(_workspaceId, "c2", "b2", "customer", "before the drain");
        await messages.WaitForAsync(m => m.MessageId == "b2", "b2");

        tokens.Hold();
        await _system.EdgeService<EdgeDrainer>(0).DrainAsync();
        await reconnecting.WaitForAsync(_ => true, "the reconnection");
        await inbox.AddCustomerMessage(_workspaceId, "c1", "a2", "customer", "missed in the first");
        await inbox.AddCustomerMessage(_workspaceId, "c2", "b3", "customer", "missed in the second");
        await inbox.AddCustomerMessage(_workspaceId, "c1", "a3", "customer", "missed in the first again");
        tokens.Release();

        Assert.Equal(new HubRecovery("inbox", true), await recoveries.WaitForAsync(_ => true, "the recovery"));
        await messages.WaitForAsync(m => m.MessageId == "a3", "the last missed message");
        await inbox.AddCustomerMessage(_workspaceId, "c2", "b4", "customer", "live");
        await messages.WaitForAsync(m => m.MessageId == "b4", "a live message after recovering");
        Assert.Equal(["b2", "a2", "b3", "a3", "b4"], messages.Snapshot().Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_position_of_another_workspace_or_a_malformed_one_is_not_recovered_and_the_app_is_told_to_reload()
    {
        await using var source = new RealtimeHubClient(Options(_system.EdgeUrls[0]));
        var sourceBroadcasts = new EventLog<JsonElement>();
        source.On<JsonElement>(RecoveryEvent, sourceBroadcasts.Add);
        await source.StartAsync();
        await Service<RealtimeService>().BroadcastToWorkspace(_workspaceId, RecoveryEvent, new { seq = 1 });
        await sourceBroadcasts.WaitForAsync(b => Seq(b) == 1, "broadcast 1");
        var otherWorkspace = $"client-{Guid.NewGuid():N}";

        foreach (var (workspaceId, position) in new[] { (otherWorkspace, source.RecoveryPosition!), (_workspaceId, "not-a-position") })
        {
            await using var client = new RealtimeHubClient(Options(_system.EdgeUrls[0], workspaceId));
            Assert.Null(client.RecoveryPosition);
            client.RecoveryPosition = position;
            var broadcasts = new EventLog<JsonElement>();
            client.On<JsonElement>(RecoveryEvent, broadcasts.Add);
            var connects = Log<ConnectedEvent>(h => client.Connected += h);
            var recoveries = Log<HubRecovery>(h => client.Recovery += h);
            await client.StartAsync();

            Assert.False((await connects.WaitForAsync(_ => true, "connected")).Recovered);
            Assert.Equal(new HubRecovery("realtime", false), await recoveries.WaitForAsync(_ => true, "the recovery refused"));
            // Live events still come, and their positions replace the refused one.
            await Service<RealtimeService>().BroadcastToWorkspace(workspaceId, RecoveryEvent, new { seq = 2 });
            var live = await broadcasts.WaitForAsync(b => Seq(b) == 2, "a live broadcast");
            Assert.Equal(live.GetProperty("recoveryPosition").GetString(), client.RecoveryPosition);
        }
    }

    [Fact]
    public async Task A_revoked_session_closes_the_client_for_good_instead_of_reconnecting()
    {
        await using var notifications = new NotificationsClient(Options(_system.EdgeUrls[0]));
        var revoked = Log<ServerNotice>(h => notifications.SessionRevoked += h);
        var closed = new EventLog<string>();
        notifications.Closed += _ => closed.Add("closed");
        await notifications.StartAsync();

        await Service<IGrainFactory>().GetGrain<ISessionRevocationGrain>(0).Revoke("alice", _workspaceId, "removed from the team");

        // The token factory would give a new token, which the edge takes: only the client's own
        // decision keeps it from reconnecting, also when the close was reported before the notice.
        Assert.Equal("removed from the team", (await revoked.WaitForAsync(_ => true, "session:revoked")).Reason);
        await closed.WaitForAsync(_ => true, "the client closed");
        Assert.Equal(HubClientState.Stopped, notifications.State);
        Assert.Null(notifications.ConnectionId);
        Assert.Single(closed.Snapshot());
    }

    private const string RecoveryEvent = "test:recovery";

    private RealtimeClientOptions Options(Uri edge, string? workspaceId = null, TokenGate? tokens = null) => new()
    {
        EdgeUrl = edge,
        WorkspaceId = workspaceId ?? _workspaceId,
        AccessTokenProvider = async () =>
        {
            if (tokens is not null)
            {
                await tokens.WaitAsync();
            }

            Interlocked.Increment(ref _tokensIssued);
            return _system.Tokens.Issue("alice", [workspaceId ?? _workspaceId], ["member"], TimeSpan.FromMinutes(5));
        },
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
    };

    private T Service<T>()
        where T : notnull => _system.EdgeService<T>(1);

    private static int Seq(JsonElement broadcast) => broadcast.GetProperty("seq").GetInt32();

    private static EventLog<T> Log<T>(Action<Action<T>> subscribe)
    {
        var log = new EventLog<T>();
        subscribe(log.Add);
        return log;
    }

    /// <summary>Holds a client's token factory, and so its reconnection, until released.</summary>
    private sealed class TokenGate
    {
        private TaskCompletionSource? _held;

        public void Hold() => Volatile.Write(ref _held, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public void Release() => Interlocked.Exchange(ref _held, null)?.TrySetResult();

        public Task WaitAsync() => Volatile.Read(ref _held)?.Task ?? Task.CompletedTask;
    }
}
