using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Notifications;
using Realtime.Grains.Streaming;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// /dashboard and /metrics across a brief disconnect, back on another edge: a connection opened
/// with the position of the last update it had gets, when it subscribes again, the latest value of
/// each key that changed meanwhile and nothing it already had; a position the dashboard cannot
/// recover gets every latest value and says so. /notifications says it recovered when the client
/// passed the last notification it had.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class LiveUpdatesRecoveryTests : IAsyncLifetime
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private RealtimeSystem _system = null!;

    private DashboardService Dashboard => new(_system.EdgeService<IClusterClient>());

    public async Task InitializeAsync() => _system = await RealtimeSystem.StartEmbeddedAsync(edgeCount: 2);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task A_dashboard_back_on_another_edge_gets_only_the_keys_that_changed_while_it_was_away()
    {
        var first = await ConnectAsync("/dashboard", edge: 0);
        await first.Connection.InvokeAsync("dashboard:subscribe");
        await first.Events.WaitForAsync(e => e.Name == "dashboard:subscribed", "subscribed");
        await Dashboard.BroadcastMetricUpdate(_workspaceId, "reach", 1, "x");
        await Dashboard.BroadcastMetricUpdate(_workspaceId, "clicks", 1, "x");
        var last = await first.Events.WaitForAsync(e => Metric(e) == "clicks", "the clicks update");
        var position = last.Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
        await first.DisposeAsync();

        await Dashboard.BroadcastMetricUpdate(_workspaceId, "clicks", 2, "x");
        await Dashboard.BroadcastMetricUpdate(_workspaceId, "clicks", 3, "x");
        await Dashboard.BroadcastMetricUpdate(_workspaceId, "shares", 7, "x");

        await using var back = await ConnectAsync("/dashboard", edge: 1, recover: position);
        Assert.True(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        await back.Connection.InvokeAsync("dashboard:subscribe");
        var subscribed = await back.Events.WaitForAsync(e => e.Name == "dashboard:subscribed", "subscribed again");
        Assert.True(subscribed.Payload.GetProperty("recovered").GetBoolean());
        await back.Events.WaitForAsync(e => Metric(e) == "shares", "the key added while away");
        await Dashboard.BroadcastMetricUpdate(_workspaceId, "reach", 4, "x");
        await back.Events.WaitForAsync(e => Metric(e) == "reach", "a live update");

        Assert.Equal(
            ["clicks=3", "shares=7", "reach=4"],
            back.Events.Snapshot().Where(e => Metric(e) is not null).Select(e => $"{Metric(e)}={e.Payload.GetProperty("value").GetDouble()}"));
    }

    [Fact]
    public async Task Metrics_with_a_position_the_dashboard_cannot_recover_get_every_latest_value_and_are_told()
    {
        await Dashboard.PublishMetric(_workspaceId, "clicks", 3);
        await Dashboard.PublishMetric(_workspaceId, "views", 9);
        var latest = await Dashboard.GetLatest(_workspaceId);
        var position = RecoveryPosition.TryParse(latest.Position, _workspaceId)!;

        string[] refused = [(position with { Epoch = position.Epoch + 1 }).ToString(), (position with { Sequence = position.Sequence + 5 }).ToString(), "garbage"];
        foreach (var recover in refused)
        {
            await using var client = await ConnectAsync("/metrics", edge: 1, recover: recover);
            Assert.False(client.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean(), recover);
            await client.Connection.InvokeAsync("metrics:subscribe");
            var subscribed = await client.Events.WaitForAsync(e => e.Name == "metrics:subscribed", "subscribed");
            Assert.False(subscribed.Payload.GetProperty("recovered").GetBoolean());
            await client.Events.WaitForAsync(e => e.Name == "metrics:update" && Metric(e) == "views", "every latest value");
            Assert.Equal(["clicks", "views"], client.Events.Snapshot().Where(e => e.Name == "metrics:update").Select(e => Metric(e)));
        }
    }

    [Fact]
    public async Task The_latest_values_read_over_http_then_a_connection_from_their_position_gets_every_change_after_them()
    {
        await Dashboard.BroadcastMetricUpdate(_workspaceId, "reach", 1, "x");
        using var http = new HttpClient { BaseAddress = _system.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("alice"));
        var snapshot = await http.GetFromJsonAsync<JsonElement>($"/realtime/dashboard/{_workspaceId}");
        Assert.Single(snapshot.GetProperty("updates").EnumerateArray());
        var position = snapshot.GetProperty(RecoveryPosition.PropertyName).GetString()!;

        await Dashboard.BroadcastMetricUpdate(_workspaceId, "clicks", 2, "x");
        await using var client = await ConnectAsync("/dashboard", edge: 1, recover: position);
        Assert.True(client.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        await client.Connection.InvokeAsync("dashboard:subscribe");
        await client.Events.WaitForAsync(e => Metric(e) == "clicks", "the change after the snapshot");
        await Dashboard.BroadcastMetricUpdate(_workspaceId, "shares", 3, "x");
        await client.Events.WaitForAsync(e => Metric(e) == "shares", "a live update");
        Assert.Equal(["clicks", "shares"], client.Events.Snapshot().Where(e => Metric(e) is not null).Select(e => Metric(e)));
    }

    [Fact]
    public async Task Notifications_say_they_recovered_when_the_client_passed_its_last_notification()
    {
        var notifications = new NotificationService(_system.EdgeService<IClusterClient>());
        var sent = await notifications.SendNotification("alice", _workspaceId, "mention", "Hi", "first");

        await using var fresh = await ConnectAsync("/notifications", edge: 0);
        Assert.False(fresh.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());

        await using var back = await ConnectAsync("/notifications", edge: 1, query: $"lastNotificationId={Uri.EscapeDataString(sent.Id)}");
        Assert.True(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
    }

    private string Token(string userId) => _system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));

    private async Task<TestClient> ConnectAsync(string hub, int edge, string? recover = null, string? query = null)
    {
        var client = await TestClient.ConnectAsync(_system.EdgeUrls[edge], Token("alice"), _workspaceId, hub, query ?? (recover is null ? null : $"recover={Uri.EscapeDataString(recover)}"));
        await client.Events.WaitForAsync(e => e.Name == "connected", "connected");
        return client;
    }

    private static string? Metric(ReceivedEvent e) =>
        e.Name is "dashboard:metric:update" or "metrics:update" ? e.Payload.GetProperty("metric").GetString() : null;
}
