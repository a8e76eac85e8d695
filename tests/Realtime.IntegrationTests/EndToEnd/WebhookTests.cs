using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Realtime.Grains;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// The embedded system sending webhooks to a real receiver with two endpoints: "/all" wants every
/// type, "/reads" only notification.read. Short grace, unread delay and retry delays, and a small
/// bound, so that each rule shows within seconds.
/// </summary>
public sealed class WebhookSystemFixture : IAsyncLifetime
{
    public const int OfflineGraceSeconds = 3;
    public const int MaxPendingPerUser = 5;

    public WebhookReceiver Receiver { get; private set; } = null!;

    public RealtimeSystem System { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        System = await RealtimeSystem.StartEmbeddedAsync(siloSettings: new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Url"] = Receiver.Url("/all").ToString(),
            ["Webhooks:Endpoints:0:Secret"] = WebhookReceiver.Secret,
            ["Webhooks:Endpoints:1:Url"] = Receiver.Url("/reads").ToString(),
            ["Webhooks:Endpoints:1:Secret"] = WebhookReceiver.Secret,
            ["Webhooks:Endpoints:1:Events:0"] = "notification.read",
            ["Webhooks:OfflineGraceSeconds"] = OfflineGraceSeconds.ToString(CultureInfo.InvariantCulture),
            ["Webhooks:UnreadAfterSeconds"] = "5",
            ["Webhooks:FirstRetryDelay"] = "00:00:00.100",
            ["Webhooks:MaxRetryDelay"] = "00:00:00.400",
            ["Webhooks:MaxPendingPerUser"] = MaxPendingPerUser.ToString(CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>Webhooks out, as a backend receives them: signed, one per transition of a user, in order, retried, bounded.</summary>
[Trait("Kind", "Integration")]
public sealed class WebhookTests(WebhookSystemFixture fixture) : IClassFixture<WebhookSystemFixture>
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    private WebhookReceiver Receiver => fixture.Receiver;

    private IGrainFactory Grains => System.SiloService<IGrainFactory>();

    [Fact]
    public async Task A_user_is_online_once_for_all_tabs_and_offline_once_after_the_last_one_closed()
    {
        var tab1 = await ConnectAsync("alice", "/presence");
        var tab2 = await ConnectAsync("alice", "/realtime");
        var online = await WaitForAsync("alice", "presence.online");
        await tab1.DisposeAsync();
        await tab2.DisposeAsync();

        var offline = await WaitForAsync("alice", "presence.offline");

        Assert.Equal(["presence.online", "presence.offline"], TypesOf("alice"));
        Assert.All([online, offline], w => Assert.True(w.Verified, $"signature of {w}"));
        Assert.Equal(online.Id, online.Body.GetProperty("id").GetString());
        Assert.StartsWith("msg_", online.Id, StringComparison.Ordinal);
        Assert.Equal(_workspaceId, online.WorkspaceId);
        Assert.Equal("online", online.Data.GetProperty("status").GetString());
        Assert.Equal("offline", offline.Data.GetProperty("status").GetString());
        Assert.EndsWith("Z", offline.Body.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        var gap = offline.Body.GetProperty("timestamp").GetDateTimeOffset() - online.Body.GetProperty("timestamp").GetDateTimeOffset();
        Assert.True(gap >= TimeSpan.FromSeconds(WebhookSystemFixture.OfflineGraceSeconds), $"offline {gap} after online: announced within the grace period");
        Assert.DoesNotContain(Receiver.Attempts.Snapshot(), w => w.Path == "/reads" && w.WorkspaceId == _workspaceId);
    }

    [Fact]
    public async Task A_page_reload_within_the_grace_period_is_no_offline_online_pair()
    {
        var page = await ConnectAsync("bob", "/presence");
        await WaitForAsync("bob", "presence.online");

        await page.DisposeAsync();
        var reloaded = await ConnectAsync("bob", "/presence");
        await reloaded.DisposeAsync();

        // Ordered per user: a pair from the reload would come before this offline.
        await WaitForAsync("bob", "presence.offline");
        Assert.Equal(["presence.online", "presence.offline"], TypesOf("bob"));
    }

    [Fact]
    public async Task Away_and_back_are_status_webhooks()
    {
        await using var client = await ConnectAsync("carol", "/presence");
        await WaitForAsync("carol", "presence.online");

        await client.Connection.InvokeAsync("presence:status", new { status = "away" });
        var away = await WaitForAsync("carol", "presence.status");
        await client.Connection.InvokeAsync("presence:status", new { status = "online" });
        await Receiver.WaitForDeliveredAsync(w => Is(w, "carol", "presence.status") && w.Data.GetProperty("status").GetString() == "online", "carol back online");

        Assert.Equal("away", away.Data.GetProperty("status").GetString());
        Assert.Equal(["presence.online", "presence.status", "presence.status"], TypesOf("carol"));
    }

    [Fact]
    public async Task A_ghost_evicted_with_its_dead_edge_is_announced_offline()
    {
        var presence = Grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, "dave"));
        await presence.Connect(new EdgeConnection("ghost-1", "edge-that-died"));
        await presence.Connect(new EdgeConnection("ghost-2", "edge-that-died"));
        await WaitForAsync("dave", "presence.online");

        // What the lease does when the edge stops renewing it.
        await presence.EvictEdge("edge-that-died");

        await WaitForAsync("dave", "presence.offline");
        Assert.Equal(["presence.online", "presence.offline"], TypesOf("dave"));
    }

    [Fact]
    public async Task A_read_is_announced_and_only_what_stays_unread_is_announced_unread()
    {
        await using var live = await ConnectAsync("erin", "/notifications");
        await live.Events.WaitForAsync(e => e.Name == "notification:unread", "erin's connection going live");
        var service = new NotificationService(Grains);
        var read = await service.SendNotification("erin", _workspaceId, "approval", "Post needs approval", "Spring sale teaser");
        var unread = await service.SendNotification("erin", _workspaceId, "mention", "You were mentioned", "in Campaign Q4");
        var away = await service.SendNotification("frank", _workspaceId, "mention", "You were mentioned", "in Campaign Q4");

        await live.Connection.InvokeAsync<JsonElement>("notification:read", new { notificationId = read.Id });

        var announced = await WaitForAsync("erin", "notification.read");
        Assert.Equal(read.Id, announced.Data.GetProperty("notificationId").GetString());
        Assert.Equal(1, announced.Data.GetProperty("unreadCount").GetInt32());
        Assert.False(announced.Data.GetProperty("all").GetBoolean());
        var forReads = await Receiver.WaitForDeliveredAsync(w => w.Path == "/reads" && w.UserId == "erin" && w.WorkspaceId == _workspaceId, "the read on the endpoint that wants reads only");
        Assert.Equal(announced.Id, forReads.Id);

        var stillUnread = await WaitForAsync("erin", "notification.unread");
        Assert.Equal(unread.Id, stillUnread.Data.GetProperty("notificationId").GetString());
        Assert.Equal("mention", stillUnread.Data.GetProperty("type").GetString());
        Assert.Equal("You were mentioned", stillUnread.Data.GetProperty("title").GetString());
        Assert.True(stillUnread.Data.GetProperty("deliveredLive").GetBoolean());
        Assert.Equal(unread.CreatedAt, stillUnread.Data.GetProperty("createdAt").GetDateTimeOffset());
        var frank = await WaitForAsync("frank", "notification.unread");
        Assert.Equal(away.Id, frank.Data.GetProperty("notificationId").GetString());
        Assert.False(frank.Data.GetProperty("deliveredLive").GetBoolean());

        // The unread webhooks were due together, in order of creation: the read one would have come first.
        Assert.Single(Delivered("erin"), w => w.Type == "notification.unread");
        Assert.All(Receiver.Attempts.Snapshot().Where(w => w.Path == "/reads"), w => Assert.Equal("notification.read", w.Type));
    }

    [Fact]
    public async Task Reading_all_is_one_webhook_and_nothing_is_announced_unread_after_it()
    {
        var service = new NotificationService(Grains);
        await service.SendNotification("gina", _workspaceId, "approval", "One", "first");
        await service.SendNotification("gina", _workspaceId, "approval", "Two", "second");

        await Grains.GetGrain<INotificationGrain>(RealtimeIds.UserInWorkspace(_workspaceId, "gina")).MarkAllRead();
        var all = await WaitForAsync("gina", "notification.read");

        Assert.True(all.Data.GetProperty("all").GetBoolean());
        Assert.Equal(JsonValueKind.Null, all.Data.GetProperty("notificationId").ValueKind);
        Assert.Equal(0, all.Data.GetProperty("unreadCount").GetInt32());

        // A later notification left unread is announced, and alone: the two read ones were cancelled before it.
        var later = await service.SendNotification("gina", _workspaceId, "approval", "Three", "third");
        var unread = await WaitForAsync("gina", "notification.unread");
        Assert.Equal(later.Id, unread.Data.GetProperty("notificationId").GetString());
        Assert.Equal(["notification.read", "notification.unread"], TypesOf("gina"));
    }

    [Fact]
    public async Task An_SLA_escalation_is_announced_to_the_assignee_s_backend_once()
    {
        var inbox = new InboxService(Grains);
        await inbox.AssignConversation(_workspaceId, "conv-1", "hank");
        await inbox.SetSla(_workspaceId, "conv-1", TimeSpan.FromSeconds(1));
        var message = await inbox.AddCustomerMessage(_workspaceId, "conv-1", "m-1", "customer-9", "Where is my order?");

        var escalation = await WaitForAsync("hank", "inbox.sla.escalation");

        Assert.Equal("conv-1", escalation.Data.GetProperty("conversationId").GetString());
        Assert.Equal("hank", escalation.Data.GetProperty("assignedTo").GetString());
        Assert.Equal(message.SentAt, escalation.Data.GetProperty("waitingSince").GetDateTimeOffset());
        Assert.Equal(message.SentAt + TimeSpan.FromSeconds(1), escalation.Data.GetProperty("deadline").GetDateTimeOffset());

        // The escalation's notification to hank, left unread, comes after it in hank's order.
        await WaitForAsync("hank", "notification.unread");
        Assert.Single(Delivered("hank"), w => w.Type == "inbox.sla.escalation");
    }

    [Fact]
    public async Task A_failing_receiver_gets_every_webhook_again_in_order_under_the_same_id()
    {
        var failures = 0;
        Receiver.Answer = w => Is(w, "ivan", null) && Interlocked.Increment(ref failures) <= 3 ? HttpStatusCode.ServiceUnavailable : null;
        try
        {
            var presence = Grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, "ivan"));
            await presence.Connect(new EdgeConnection("i1", "edge-i"));
            await presence.SetStatus(PresenceStatus.Away);
            await presence.SetStatus(PresenceStatus.Online);

            await Receiver.WaitForDeliveredAsync(w => Is(w, "ivan", "presence.status") && w.Data.GetProperty("status").GetString() == "online", "ivan's last webhook");
        }
        finally
        {
            Receiver.Answer = null;
        }

        var attempts = Receiver.Attempts.Snapshot().Where(w => Is(w, "ivan", null)).ToList();
        var delivered = Delivered("ivan");
        Assert.Equal(["presence.online", "presence.status", "presence.status"], delivered.Select(w => w.Type));
        Assert.Equal(["online", "away", "online"], delivered.Select(w => w.Data.GetProperty("status").GetString()));
        Assert.Equal(4, attempts.Count(w => w.Id == delivered[0].Id));
        Assert.Equal(3, delivered.Select(w => w.Id).Distinct().Count());

        // Nothing after the first went out before it was through.
        Assert.Equal(delivered[0].Id, attempts[3].Id);
        Assert.All(attempts, w => Assert.True(w.Verified, $"signature of {w}"));
    }

    [Fact]
    public async Task Past_the_bound_the_oldest_waiting_webhooks_are_dropped_and_counted()
    {
        using var http = new HttpClient();
        var droppedBefore = (await PrometheusScrape.FetchAsync(http, System.SiloUrls[0])).Sum("realtime_webhooks_dropped_total", ("reason", "overflow"));
        var open = false;
        Receiver.Answer = w => Is(w, "judy", null) && !Volatile.Read(ref open) ? HttpStatusCode.InternalServerError : null;
        try
        {
            var presence = Grains.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, "judy"));
            await presence.Connect(new EdgeConnection("j1", "edge-j"));
            for (var i = 0; i < 4; i++)
            {
                await presence.SetStatus(PresenceStatus.Away);
                await presence.SetStatus(PresenceStatus.Online);
            }

            Volatile.Write(ref open, true);
            await Receiver.WaitForDeliveredAsync(w => Is(w, "judy", null), "judy's webhooks once the receiver is back");
            await Eventually.UntilAsync(() => Task.FromResult(Delivered("judy").Count), c => c >= WebhookSystemFixture.MaxPendingPerUser, "the kept webhooks delivered");
        }
        finally
        {
            Receiver.Answer = null;
        }

        // 9 published (online, then 4 x away and back), 5 kept: the 4 newest, and the one before
        // them or, when an older one was on its way as the bound was hit (being sent, it was not
        // waiting), that one.
        var delivered = Delivered("judy");
        Assert.True(delivered.Count == WebhookSystemFixture.MaxPendingPerUser, string.Join(" | ", Receiver.Attempts.Snapshot().Where(w => IsOurs(w, "judy"))));
        Assert.Equal(["away", "online", "away", "online"], delivered.Skip(1).Select(w => w.Data.GetProperty("status").GetString()));
        Assert.All(delivered.Skip(1), w => Assert.Equal("presence.status", w.Type));
        Assert.Equal(WebhookSystemFixture.MaxPendingPerUser, delivered.Select(w => w.Id).Distinct().Count());
        await Eventually.UntilAsync(
            async () => (await PrometheusScrape.FetchAsync(http, System.SiloUrls[0])).Sum("realtime_webhooks_dropped_total", ("reason", "overflow")),
            dropped => dropped >= droppedBefore + 4,
            "the 4 dropped webhooks counted");
    }

    private static bool Is(ReceivedWebhook webhook, string userId, string? type) =>
        webhook.Path == "/all" && webhook.UserId == userId && (type is null || webhook.Type == type);

    private bool IsOurs(ReceivedWebhook webhook, string userId) => Is(webhook, userId, null) && webhook.WorkspaceId == _workspaceId;

    private Task<ReceivedWebhook> WaitForAsync(string userId, string type) =>
        Receiver.WaitForDeliveredAsync(w => IsOurs(w, userId) && w.Type == type, $"{type} of {userId}", TimeSpan.FromSeconds(30));

    private List<ReceivedWebhook> Delivered(string userId) => Receiver.Delivered().Where(w => IsOurs(w, userId)).ToList();

    private List<string> TypesOf(string userId) => Delivered(userId).Select(w => w.Type).ToList();

    private async Task<TestClient> ConnectAsync(string userId, string hubPath)
    {
        var token = System.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
        var client = await TestClient.ConnectAsync(System.EdgeUrls[0], token, _workspaceId, hubPath);
        await client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} on {hubPath}");
        return client;
    }
}

/// <summary>Bad webhook settings stop the silo before it starts, naming the setting.</summary>
[Trait("Kind", "Integration")]
public sealed class WebhookSettingsTests
{
    [Theory]
    [InlineData("Webhooks:Endpoints:0:Url", "ftp://backend.example/hooks", "Webhooks:Endpoints:0:Url")]
    [InlineData("Webhooks:Endpoints:0:Secret", "not-a-secret", "Webhooks:Endpoints:0:Secret")]
    [InlineData("Webhooks:Endpoints:0:Events:0", "presence.moved", "presence.moved")]
    [InlineData("Webhooks:ReminderPeriod", "00:00:10", "Silo:MinimumReminderPeriod")]
    [InlineData("Webhooks:OfflineGraceSeconds", "-1", "Webhooks:OfflineGraceSeconds")]
    public async Task A_bad_webhook_setting_stops_the_silo_with_a_message_naming_it(string key, string value, string mentions)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Url"] = "http://127.0.0.1:9/hooks",
            ["Webhooks:Endpoints:0:Secret"] = WebhookReceiver.Secret,
            [key] = value,
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RealtimeSystem.StartEmbeddedAsync(siloSettings: settings));

        Assert.Contains(mentions, error.Message, StringComparison.Ordinal);
    }
}
