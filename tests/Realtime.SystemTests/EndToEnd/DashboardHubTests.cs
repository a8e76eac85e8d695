using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Dashboards;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>/dashboard and /metrics over real sockets.</summary>
public abstract class DashboardHubTests(RealtimeSystem system)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private DashboardService Service => new(system.EdgeService<IClusterClient>());

    [Fact]
    public async Task Updates_reach_only_subscribed_connections_of_the_workspace()
    {
        await using var subscribed = await ConnectAsync("alice", "/dashboard", edge: 0);
        await using var subscribedElsewhere = await ConnectAsync("bob", "/dashboard", edge: 1);
        await using var notSubscribed = await ConnectAsync("carol", "/dashboard");
        var otherWorkspace = $"ws-{Guid.NewGuid():N}";
        await using var outsider = await ConnectAsync("olivia", "/dashboard", workspaceId: otherWorkspace);
        await subscribed.Connection.InvokeAsync<JsonElement>("dashboard:subscribe");
        await subscribedElsewhere.Connection.InvokeAsync<JsonElement>("dashboard:subscribe");
        await outsider.Connection.InvokeAsync<JsonElement>("dashboard:subscribe");

        await Service.BroadcastFollowerUpdate(_workspaceId, "instagram", "acct-1", 10_500, 120);
        await Service.BroadcastFollowerUpdate(otherWorkspace, "instagram", "acct-9", 1, 1);

        foreach (var client in new[] { subscribed, subscribedElsewhere })
        {
            var update = await client.Events.WaitForAsync(e => e.Name == "dashboard:followers:update", "the follower update");
            Assert.Equal(_workspaceId, update.Payload.GetProperty("workspaceId").GetString());
            Assert.Equal(10_500, update.Payload.GetProperty("followers").GetInt64());
            Assert.Equal(120, update.Payload.GetProperty("change").GetInt64());
            Assert.Equal("acct-1", update.Payload.GetProperty("accountId").GetString());
        }

        var theirs = await outsider.Events.WaitForAsync(e => e.Name == "dashboard:followers:update", "the other workspace's update");
        Assert.Equal("acct-9", theirs.Payload.GetProperty("accountId").GetString());
        Assert.DoesNotContain(notSubscribed.Events.Snapshot(), e => e.Name.StartsWith("dashboard:", StringComparison.Ordinal));
        Assert.Single(outsider.Events.Snapshot(), e => e.Name == "dashboard:followers:update");
    }

    [Theory]
    [InlineData("/dashboard", "dashboard:subscribe", "dashboard:metric:update")]
    [InlineData("/metrics", "metrics:subscribe", "metrics:update")]
    public async Task An_update_published_the_moment_a_connection_subscribed_reaches_it(string hub, string subscribe, string eventName)
    {
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                // Just published: the grain has the workspace's edges fresh in mind, without the new connection's.
                await PublishAsync(hub, "warm", i);
                var client = await ConnectAsync($"user-{i}", hub, edge: i);
                clients.Add(client);
                await client.Connection.InvokeAsync<JsonElement>(subscribe);

                await PublishAsync(hub, "reach", i);

                await client.Events.WaitForAsync(
                    e => e.Name == eventName && e.Payload.GetProperty("metric").GetString() == "reach" && e.Payload.GetProperty("value").GetDouble() == i,
                    $"connection {i} got the update published right after it subscribed");
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_platform_filter_lets_only_that_platform_through()
    {
        await using var instagramOnly = await ConnectAsync("alice", "/dashboard");
        var reply = await instagramOnly.Connection.InvokeAsync<JsonElement>("dashboard:subscribe", new { platforms = new[] { "instagram" } });
        Assert.Equal(_workspaceId, reply.GetProperty("workspaceId").GetString());

        await Service.BroadcastEngagementUpdate(_workspaceId, "linkedin", new { likes = 5 });
        await Service.BroadcastEngagementUpdate(_workspaceId, "instagram", new { likes = 7 });

        var update = await instagramOnly.Events.WaitForAsync(e => e.Name == "dashboard:engagement:update", "the instagram update");
        Assert.Equal(7, update.Payload.GetProperty("engagement").GetProperty("likes").GetInt32());
        Assert.Single(instagramOnly.Events.Snapshot(), e => e.Name == "dashboard:engagement:update");
    }

    [Fact]
    public async Task A_new_subscriber_gets_the_latest_value_of_each_metric_at_once()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Service.BroadcastMetricUpdate(_workspaceId, "reach", i * 100, "x");
        }

        await Service.BroadcastPostUpdate(_workspaceId, "post-1", new { status = "published" }, "x");
        await using var late = await ConnectAsync("alice", "/dashboard");

        await late.Connection.InvokeAsync<JsonElement>("dashboard:subscribe");

        var post = await late.Events.WaitForAsync(e => e.Name == "dashboard:post:update", "the post's latest state");
        Assert.Equal("published", post.Payload.GetProperty("post").GetProperty("status").GetString());
        var reach = Assert.Single(late.Events.Snapshot(), e => e.Name == "dashboard:metric:update");
        Assert.Equal(500, reach.Payload.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Metrics_subscribers_get_the_metrics_they_asked_for()
    {
        await using var some = await ConnectAsync("alice", "/metrics");
        await using var all = await ConnectAsync("bob", "/metrics");
        await some.Connection.InvokeAsync<JsonElement>("metrics:subscribe", new { metrics = new[] { "impressions" } });
        await all.Connection.InvokeAsync<JsonElement>("metrics:subscribe");

        await Service.PublishMetric(_workspaceId, "clicks", 3);
        await Service.PublishMetric(_workspaceId, "impressions", 42, new { window = "1h" });

        var impressions = await some.Events.WaitForAsync(e => e.Name == "metrics:update", "impressions");
        Assert.Equal("impressions", impressions.Payload.GetProperty("metric").GetString());
        await all.Events.WaitForAsync(e => e.Name == "metrics:update" && e.Payload.GetProperty("metric").GetString() == "impressions", "impressions for all");
        Assert.Contains(all.Events.Snapshot(), e => e.Name == "metrics:update" && e.Payload.GetProperty("metric").GetString() == "clicks");
        Assert.Single(some.Events.Snapshot(), e => e.Name == "metrics:update");
        Assert.DoesNotContain(some.Events.Snapshot(), e => e.Name.StartsWith("dashboard:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stalled_client_does_not_hold_up_the_others_and_is_closed()
    {
        const int Updates = 700;
        await using var reader = await ConnectAsync("alice", "/dashboard");
        await reader.Connection.InvokeAsync<JsonElement>("dashboard:subscribe");
        using var stalled = await StalledSubscriberAsync("bob");
        var blob = new string('x', 12_000);

        for (var i = 0; i < Updates; i++)
        {
            await Service.BroadcastPostUpdate(_workspaceId, $"post-{i}", new { blob });
        }

        await reader.Events.WaitForAsync(
            e => e.Name == "dashboard:post:update" && e.Payload.GetProperty("postId").GetString() == $"post-{Updates - 1}",
            "the last update at the reading client");
        Assert.Equal(Updates, reader.Events.Snapshot().Count(e => e.Name == "dashboard:post:update"));
        await ReadUntilClosedAsync(stalled);
    }

    [Theory]
    [InlineData("/dashboard", "dashboard:subscribe", """{ "platforms": [] }""", "platforms")]
    [InlineData("/dashboard", "dashboard:subscribe", """{ "platforms": ["not ok"] }""", "platforms")]
    [InlineData("/dashboard", "dashboard:subscribe", """{ "workspaceId": "someone-elses" }""", "workspace")]
    [InlineData("/metrics", "metrics:subscribe", """{ "metrics": ["a/b"] }""", "metrics")]
    public async Task Bad_subscriptions_get_a_clear_error_and_no_updates(string hub, string method, string payload, string errorMentions)
    {
        await using var client = await ConnectAsync("alice", hub);

        var error = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync(method, JsonDocument.Parse(payload).RootElement));
        await Service.BroadcastMetricUpdate(_workspaceId, "reach", 1);
        await Service.PublishMetric(_workspaceId, "reach", 1);
        await client.Connection.InvokeAsync<JsonElement>(method == "metrics:subscribe" ? "metrics:subscribe" : "dashboard:subscribe", new { workspaceId = _workspaceId });

        Assert.Contains(errorMentions, error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
    }

    [Fact]
    public async Task Bad_updates_from_services_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Service.BroadcastMetricUpdate(_workspaceId, "bad metric", 1));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.BroadcastAnalyticsUpdate(_workspaceId, new { blob = new string('x', 20_000) }));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.BroadcastFollowerUpdate("a/b", "x", "acct", 1, 1));

        Assert.Empty((await Service.GetLatest(_workspaceId)).Updates);
    }

    private Task PublishAsync(string hub, string metric, double value) =>
        hub == "/metrics" ? Service.PublishMetric(_workspaceId, metric, value) : Service.BroadcastMetricUpdate(_workspaceId, metric, value);

    private Task<TestClient> ConnectAsync(string userId, string hub, int edge = 0, string? workspaceId = null)
    {
        var workspace = workspaceId ?? _workspaceId;
        var token = system.Tokens.Issue(userId, [workspace], ["member"], TimeSpan.FromMinutes(10));
        return TestClient.ConnectAsync(system.EdgeUrls[edge % system.EdgeUrls.Count], token, workspace, hub);
    }

    /// <summary>A raw SignalR client that subscribes and then never reads its socket again.</summary>
    private async Task<ClientWebSocket> StalledSubscriberAsync(string userId)
    {
        var token = system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{system.EdgeUrls[0].Authority}/dashboard?workspaceId={_workspaceId}&access_token={token}"), CancellationToken.None);
        await SendFrameAsync(socket, """{"protocol":"json","version":1}""");
        await SendFrameAsync(socket, """{"type":1,"target":"dashboard:subscribe","arguments":[]}""");
        return socket;
    }

    private static Task SendFrameAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + "\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The server closed the stalled connection: reading now drains what it had sent, then ends.</summary>
    private static async Task ReadUntilClosedAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (WebSocketException)
        {
            // Aborted by the server: closed without a close frame.
        }
    }
}

[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class EmbeddedDashboardHubTests(EmbeddedSystemFixture fixture) : DashboardHubTests(fixture.System);

[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class RedisDashboardHubTests(RedisSystemFixture fixture) : DashboardHubTests(fixture.System);
