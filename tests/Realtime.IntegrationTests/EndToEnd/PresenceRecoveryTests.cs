using Microsoft.AspNetCore.SignalR.Client;
using System.Text.Json;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// Presence across a brief disconnect, on /presence and /realtime, back on another edge: every
/// presence event carries a position, and the connection's first presence event is the
/// workspace's presence as it is now, including who left while the client was away, so a
/// teammate who left is never shown online. A large workspace sends its summary, not every change.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class PresenceRecoveryTests : IAsyncLifetime
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private RealtimeSystem _system = null!;

    private IWorkspaceGrain Workspace => _system.EdgeService<IClusterClient>().GetGrain<IWorkspaceGrain>(_workspaceId);

    public async Task InitializeAsync() =>
        _system = await RealtimeSystem.StartEmbeddedAsync(
            edgeCount: 2,
            siloSettings: new Dictionary<string, string?>
            {
                ["Presence:ImmediateBroadcastLimit"] = "8",
                ["Presence:SummaryThreshold"] = "10",
                ["Presence:CoalesceInterval"] = "00:00:00.100",
            });

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Theory]
    [InlineData("/presence")]
    [InlineData("/realtime")]
    public async Task A_client_back_on_another_edge_learns_who_left_and_who_came_while_it_was_away(string hub)
    {
        await using var bob = await ConnectAsync("bob", "/realtime", edge: 0);
        var carol = await ConnectAsync("carol", "/realtime", edge: 0);
        var alice = await ConnectAsync("alice", hub, edge: 0);
        await alice.WaitForPresenceAsync("carol", "online");
        var position = await ChangePositionAsync(alice, bob);

        await alice.DisposeAsync();
        await LeaveAsync(carol, "carol");
        await using var dave = await ConnectAsync("dave", "/realtime", edge: 1);

        await using var back = await ConnectAsync("alice", hub, edge: 1, recover: position);
        Assert.True(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        var first = await back.Events.WaitForAsync(e => e.Name == "presence:update", "the presence as it is now");
        var users = Users(first);
        Assert.Equal("offline", users["carol"]);
        Assert.Equal("online", users["dave"]);
        Assert.Equal("online", users["bob"]);
    }

    [Fact]
    public async Task Every_presence_change_carries_a_position_that_moves_on_and_the_join_snapshot_none()
    {
        var alice = await ConnectAsync("alice", "/presence", edge: 0);
        await using var bob = await ConnectAsync("bob", "/realtime", edge: 1);
        await alice.WaitForPresenceAsync("bob", "online");
        await alice.DisposeAsync();

        await using var back = await ConnectAsync("alice", "/presence", edge: 0);
        await back.WaitForPresenceAsync("alice", "online");
        await bob.Connection.InvokeAsync("page:navigate", new { page = "/inbox" });
        await bob.Connection.InvokeAsync("page:navigate", new { page = "/posts" });
        await back.Events.WaitForAsync(e => e.Name == "presence:update" && e.Payload.GetProperty("users")[0].GetProperty("currentPage").ValueKind == JsonValueKind.String && e.Payload.GetProperty("users")[0].GetProperty("currentPage").GetString() == "/posts", "bob's second page");

        var updates = back.Events.Snapshot().Where(e => e.Name == "presence:update").ToList();
        Assert.Equal(JsonValueKind.Null, updates[0].Payload.GetProperty(RecoveryPosition.PropertyName).ValueKind);
        var positions = updates.Skip(1).Select(e => RecoveryPosition.TryParse(e.Payload.GetProperty(RecoveryPosition.PropertyName).GetString(), _workspaceId)).ToList();
        Assert.True(positions.Count >= 2);
        Assert.All(positions, Assert.NotNull);
        Assert.True(positions.Zip(positions.Skip(1)).All(p => p.Second!.Sequence > p.First!.Sequence), "positions move on");
    }

    [Fact]
    public async Task A_stale_or_foreign_position_says_not_recovered_and_the_current_presence_follows()
    {
        await using var bob = await ConnectAsync("bob", "/realtime", edge: 0);
        var alice = await ConnectAsync("alice", "/presence", edge: 0);
        await alice.WaitForPresenceAsync("bob", "online");
        var position = RecoveryPosition.TryParse(await ChangePositionAsync(alice, bob), _workspaceId)!;
        await alice.DisposeAsync();

        await using var back = await ConnectAsync("alice", "/presence", edge: 1, recover: (position with { Epoch = position.Epoch + 1 }).ToString());
        Assert.False(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
        await back.WaitForPresenceAsync("bob", "online");
    }

    [Fact]
    public async Task A_large_workspace_recovers_with_its_summary_not_every_change()
    {
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 14; i++)
            {
                clients.Add(await ConnectAsync($"user{i:D2}", "/realtime", edge: i % 2));
            }

            var alice = await ConnectAsync("alice", "/realtime", edge: 0);
            await alice.Events.WaitForAsync(e => e.Name == "presence:summary" && e.Payload.GetProperty("online").GetInt32() == 15, "the summary with everyone");
            clients.Add(await ConnectAsync("user14", "/realtime", edge: 1));
            var summary = await alice.Events.WaitForAsync(e => e.Name == "presence:summary" && e.Payload.GetProperty("online").GetInt32() == 16, "the summary changing");
            var position = summary.Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
            await alice.DisposeAsync();

            foreach (var client in clients.Take(3))
            {
                await client.DisposeAsync();
            }

            clients.RemoveRange(0, 3);
            await Eventually.UntilAsync(() => Workspace.GetConnectedUserIds(), ids => ids.Count == 12, "three users gone");

            await using var back = await ConnectAsync("alice", "/realtime", edge: 1, recover: position);
            Assert.True(back.Events.Snapshot()[0].Payload.GetProperty("recovered").GetBoolean());
            await back.Events.WaitForAsync(e => e.Name == "presence:summary" && e.Payload.GetProperty("online").GetInt32() == 13, "the summary as it is now");
            Assert.DoesNotContain(back.Events.Snapshot(), e => e.Name == "presence:update");
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static Dictionary<string, string> Users(ReceivedEvent update) =>
        update.Payload.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetString()!, u => u.GetProperty("status").GetString()!);

    /// <summary>A teammate changes page: the position of that change, as the client received it.</summary>
    private static async Task<string> ChangePositionAsync(TestClient client, TestClient teammate)
    {
        var page = $"/page-{Guid.NewGuid():N}";
        await teammate.Connection.InvokeAsync("page:navigate", new { page });
        var change = await client.Events.WaitForAsync(
            e => e.Name == "presence:update" && e.Payload.GetProperty("users").EnumerateArray().Any(u => u.GetProperty("currentPage").ValueKind == JsonValueKind.String && u.GetProperty("currentPage").GetString() == page),
            "the teammate's page change");
        return change.Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
    }

    private async Task<TestClient> ConnectAsync(string userId, string hub, int edge, string? recover = null)
    {
        var token = _system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10));
        var client = await TestClient.ConnectAsync(_system.EdgeUrls[edge], token, _workspaceId, hub, recover is null ? null : $"recover={Uri.EscapeDataString(recover)}");
        await client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} connected");
        return client;
    }

    private async Task LeaveAsync(TestClient client, string userId)
    {
        await client.DisposeAsync();
        await Eventually.UntilAsync(() => Workspace.GetConnectedUserIds(), ids => !ids.Contains(userId), $"{userId} gone from the workspace");
    }
}
