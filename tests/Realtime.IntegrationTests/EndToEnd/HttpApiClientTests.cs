using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Backend.Http;
using Realtime.Grains.Inbox;
using Realtime.Grains.Presence;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// Realtime.Orleans.Backend's typed HTTP API client against a real edge: its requests are the
/// routes' requests, the answers come back as the grain interfaces' records, and a refusal is a
/// <see cref="RealtimeApiException"/> naming the field.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class HttpApiClientTests(EmbeddedSystemFixture fixture) : IAsyncDisposable
{
    private readonly string _workspaceId = $"api-{Guid.NewGuid():N}";
    private readonly ServiceProvider _services = Api(fixture.System, fixture.System.Tokens.Issue("backend", [], ["service"], TimeSpan.FromMinutes(5)));

    private RealtimeHttpApi Client => _services.GetRequiredService<RealtimeHttpApi>();

    [Fact]
    public async Task Broadcasts_notifications_and_dashboard_values_reach_clients_and_read_back()
    {
        await using var realtime = await Connect("/realtime");
        realtime.Record("campaign:launched");
        await using var notifications = await Connect("/notifications");

        await Client.BroadcastToWorkspaceAsync(_workspaceId, "campaign:launched", new { name = "Spring" });
        var sent = await Client.SendNotificationAsync("alice", _workspaceId, "approval", "Post needs approval", "Spring sale teaser", new { postId = "p1" });
        await Client.UpdateDashboardFollowersAsync(_workspaceId, "instagram", "acc_1", 15230, 42);
        await Client.PublishMetricAsync(_workspaceId, "queue_depth", 7);

        var launched = await realtime.Events.WaitForAsync(e => e.Name == "campaign:launched", "the broadcast");
        Assert.Equal("Spring", launched.Payload.GetProperty("name").GetString());
        var notification = await notifications.Events.WaitForAsync(e => e.Name == "notification", "the notification");
        Assert.Equal((sent.Id, "p1"), (notification.Payload.GetProperty("id").GetString(), notification.Payload.GetProperty("data").GetProperty("postId").GetString()));
        var dashboard = await Client.GetDashboardAsync(_workspaceId);
        Assert.Equal(["dashboard:followers:update", "metrics:update"], dashboard.Updates.Select(u => u.Event).Order());
        Assert.Equal(15230, dashboard.Updates.Single(u => u.Event == "dashboard:followers:update").Payload.GetProperty("followers").GetInt64());
    }

    [Fact]
    public async Task Inbox_conversations_presence_and_stats_come_back_as_the_interfaces_records()
    {
        await using var alice = await Connect("/realtime");

        var message = await Client.AddInboxMessageAsync(_workspaceId, "conv_1", "m1", MessageAuthor.Customer, "customer_1", "Where is my order?", new { channel = "instagram" });
        var again = await Client.AddInboxMessageAsync(_workspaceId, "conv_1", "m1", MessageAuthor.Customer, "customer_1", "Where is my order?", new { channel = "instagram" });
        var changed = await Client.UpdateConversationAsync(_workspaceId, "conv_1", new ConversationUpdate().AssignTo("alice").WithStatus(ConversationStatus.Pending).WithSla(TimeSpan.FromMinutes(30)));
        var cleared = await Client.UpdateConversationAsync(_workspaceId, "conv_1", new ConversationUpdate().AssignTo(null).WithSla(null));

        Assert.Equal(("conv_1", "m1", true, "instagram"), (message.ConversationId, message.MessageId, message.FromCustomer, JsonDocument.Parse(message.Data!.Json).RootElement.GetProperty("channel").GetString()));
        Assert.Equal(message.SentAt, again.SentAt);
        Assert.Equal(("alice", ConversationStatus.Pending), (changed.Assignee, changed.Status));
        Assert.NotNull(changed.SlaDeadline);
        Assert.Equal((null, ConversationStatus.Pending, null), (cleared.Assignee, cleared.Status, cleared.SlaDeadline));
        var read = await Client.GetConversationAsync(_workspaceId, "conv_1");
        Assert.Equal((cleared.UpdatedAt, cleared.LastMessage), (read!.UpdatedAt, read.LastMessage));
        Assert.Equal(cleared.Participants, read.Participants);
        Assert.Null(await Client.GetConversationAsync(_workspaceId, "conv_never"));

        var presence = await Client.GetUserPresenceAsync(_workspaceId, "alice");
        Assert.Equal((PresenceStatus.Online, 1), (presence!.Status, presence.ConnectionCount));
        Assert.Null(await Client.GetUserPresenceAsync(_workspaceId, "nobody"));
        var page = await Client.GetWorkspacePresenceAsync(_workspaceId, limit: 10);
        Assert.Equal(["alice"], page.Users.Select(u => u.UserId));
        Assert.Equal(_workspaceId, (await Client.GetWorkspaceStatsAsync(_workspaceId)).WorkspaceId);
        Assert.True((await Client.GetStatsAsync()).Edges >= 1);
    }

    [Fact]
    public async Task Refusals_are_typed_exceptions_naming_the_field_and_revocation_closes_the_user_s_connections()
    {
        var bad = await Assert.ThrowsAsync<RealtimeApiException>(() => Client.BroadcastToWorkspaceAsync(_workspaceId, "presence:update", new { }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["event"], bad.Errors.Keys);
        Assert.Contains("event:", bad.Message, StringComparison.Ordinal);

        var conversation = await Assert.ThrowsAsync<RealtimeApiException>(() => Client.UpdateConversationAsync(_workspaceId, "conv_none", new ConversationUpdate().WithStatus(ConversationStatus.Closed)));
        Assert.Equal(HttpStatusCode.NotFound, conversation.StatusCode);

        await using var member = Api(fixture.System, fixture.System.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5)));
        var forbidden = await Assert.ThrowsAsync<RealtimeApiException>(() => member.GetRequiredService<RealtimeHttpApi>().PublishMetricAsync(_workspaceId, "m", 1));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        await using var alice = await Connect("/realtime");
        var revoked = await Client.RevokeUserAsync("alice", _workspaceId, "removed from the team");
        Assert.Equal(1, revoked.Closed);
        var notice = await alice.Events.WaitForAsync(e => e.Name == "session:revoked", "alice told");
        Assert.Equal("removed from the team", notice.Payload.GetProperty("reason").GetString());
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private static ServiceProvider Api(RealtimeSystem system, string token)
    {
        var services = new ServiceCollection();
        services.AddRealtimeHttpApi(o => (o.BaseAddress, o.ServiceToken) = (system.EdgeUrls[0], token));
        return services.BuildServiceProvider();
    }

    private async Task<TestClient> Connect(string hub)
    {
        var client = await TestClient.ConnectAsync(fixture.System.EdgeUrls[0], fixture.System.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5)), _workspaceId, hub);
        await client.Events.WaitForAsync(e => e.Name == "connected", $"alice on {hub}");
        return client;
    }
}
