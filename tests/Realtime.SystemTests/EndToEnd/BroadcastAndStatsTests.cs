using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Broadcasting;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>RealtimeService's broadcasts and the stats endpoints, across the system's edges.</summary>
public abstract class BroadcastAndStatsTests(RealtimeSystem system)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeService Service => new(system.EdgeService<IClusterClient>());

    [Fact]
    public async Task A_workspace_broadcast_reaches_the_workspace_on_every_edge_and_nowhere_else()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var bob = await ConnectAsync("bob", edge: 1);
        await using var outsider = await ConnectAsync("olivia", edge: 0, workspaceId: $"ws-{Guid.NewGuid():N}");
        await alice.WaitForPresenceAsync("bob", "online");
        foreach (var client in new[] { alice, bob, outsider })
        {
            client.Record("campaign:launched");
        }

        await Service.BroadcastToWorkspace(_workspaceId, "campaign:launched", new { campaignId = "c-1" });
        await Service.BroadcastToUser(_workspaceId, "bob", "campaign:launched", new { campaignId = "for-bob" });

        foreach (var client in new[] { alice, bob })
        {
            var evt = await client.Events.WaitForAsync(e => e.Name == "campaign:launched", "the broadcast");
            Assert.Equal("c-1", evt.Payload.GetProperty("campaignId").GetString());
        }

        await bob.Events.WaitForAsync(e => e.Name == "campaign:launched" && e.Payload.GetProperty("campaignId").GetString() == "for-bob", "bob's own");
        await outsider.Connection.InvokeAsync<JsonElement>("ping");
        Assert.DoesNotContain(outsider.Events.Snapshot(), e => e.Name == "campaign:launched");
        Assert.DoesNotContain(alice.Events.Snapshot(), e => e.Name == "campaign:launched" && e.Payload.GetProperty("campaignId").GetString() == "for-bob");
    }

    [Fact]
    public async Task A_broadcast_to_all_reaches_every_workspace()
    {
        await using var alice = await ConnectAsync("alice", edge: 0);
        await using var olivia = await ConnectAsync("olivia", edge: 1, workspaceId: $"ws-{Guid.NewGuid():N}");
        alice.Record("maintenance:scheduled");
        olivia.Record("maintenance:scheduled");
        await alice.WaitForPresenceAsync("alice", "online");
        await olivia.WaitForPresenceAsync("olivia", "online");

        // The stats know an edge once it renewed its lease after start; wait for both.
        await Eventually.UntilAsync(() => Stats(), s => s.GetProperty("edges").GetInt32() == system.EdgeUrls.Count, "every edge in the stats");
        await Service.BroadcastToAll("maintenance:scheduled", new { at = "02:00" });

        await alice.Events.WaitForAsync(e => e.Name == "maintenance:scheduled", "alice");
        await olivia.Events.WaitForAsync(e => e.Name == "maintenance:scheduled", "olivia");
    }

    [Fact]
    public async Task Stats_agree_with_the_connections_actually_open_across_edges()
    {
        await using var alice1 = await ConnectAsync("alice", edge: 0);
        await using var alice2 = await ConnectAsync("alice", edge: 1);
        await using var bob = await ConnectAsync("bob", edge: 1);
        await alice1.WaitForPresenceAsync("bob", "online");
        using var member = Http(system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5)));

        var workspace = await member.GetFromJsonAsync<JsonElement>($"/realtime/stats/workspace/{_workspaceId}");
        Assert.Equal(3, workspace.GetProperty("connections").GetInt32());
        Assert.Equal(2, workspace.GetProperty("onlineUsers").GetInt32());
        Assert.Equal(Math.Min(2, system.EdgeUrls.Count), workspace.GetProperty("edges").GetInt32());
        // Edges report with each lease renewal, workspaces at most once a second.
        var cluster = await Eventually.UntilAsync(
            () => Stats(),
            s => s.GetProperty("totalConnections").GetInt32() == 3 && s.GetProperty("onlineUsers").GetInt32() == 2,
            "three connections and two users in the cluster stats");
        Assert.Equal(1, cluster.GetProperty("workspaces").GetInt32());

        await bob.DisposeAsync();
        await Eventually.UntilAsync(() => Stats(), s => s.GetProperty("totalConnections").GetInt32() == 2, "bob's connection gone from the stats");
        using var forbidden = await member.GetAsync("/realtime/stats");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Bad_broadcasts_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Service.BroadcastToWorkspace(_workspaceId, "Not A Name", new { }));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.BroadcastToWorkspace(_workspaceId, "$notification:catch-up", new { }));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.BroadcastToUser(_workspaceId, "a/b", "x", new { }));
        await Assert.ThrowsAsync<ArgumentException>(() => Service.BroadcastToAll("big", new { blob = new string('x', 20_000) }));
    }

    private async Task<JsonElement> Stats()
    {
        using var service = Http(system.Tokens.Issue("ops", [], ["admin"], TimeSpan.FromMinutes(5)));
        return await service.GetFromJsonAsync<JsonElement>("/realtime/stats");
    }

    private Task<TestClient> ConnectAsync(string userId, int edge = 0, string? workspaceId = null)
    {
        var workspace = workspaceId ?? _workspaceId;
        var token = system.Tokens.Issue(userId, [workspace], ["member"], TimeSpan.FromMinutes(10));
        return TestClient.ConnectAsync(system.EdgeUrls[edge % system.EdgeUrls.Count], token, workspace);
    }

    private HttpClient Http(string token)
    {
        var http = new HttpClient { BaseAddress = system.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}

[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class EmbeddedBroadcastAndStatsTests(EmbeddedSystemFixture fixture) : BroadcastAndStatsTests(fixture.System);

[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class RedisBroadcastAndStatsTests(RedisSystemFixture fixture) : BroadcastAndStatsTests(fixture.System);
