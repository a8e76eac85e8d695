using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>An embedded system with low presence thresholds: immediate up to 20 active users, summaries above 100.</summary>
public sealed class LowThresholdSystemFixture : IAsyncLifetime
{
    public RealtimeSystem System { get; private set; } = null!;

    public async Task InitializeAsync() =>
        System = await RealtimeSystem.StartEmbeddedAsync(siloSettings: new Dictionary<string, string?>
        {
            ["Presence:ImmediateBroadcastLimit"] = "20",
            ["Presence:SummaryThreshold"] = "100",
            ["Presence:CoalesceInterval"] = "00:00:00.200",
        });

    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>
/// 1,000 real clients join one workspace. Without coalescing and summaries every client would
/// get ~1,000 presence messages (N x N in all); here each gets a bounded handful, yet every one
/// ends with the right online count and can page through the whole list.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class LargeWorkspaceJoinTests(LowThresholdSystemFixture fixture, ITestOutputHelper output) : IClassFixture<LowThresholdSystemFixture>
{
    private const int Clients = 1000;
    private const int MaxPresenceMessagesPerClient = 150;
    // A client gets only the changes after its own join (its presence sync enrols it), and user
    // entries only until the workspace passes the summary threshold (100 here, ~180 bytes each):
    // ~18 KB for the first to join, then summaries. Before the sync enrolled connections, sockets
    // still registering got every change queued ahead of them too.
    private const int MaxPresenceBytesPerClient = 32 * 1024;

    [Fact]
    public async Task A_thousand_joins_cost_each_client_a_bounded_number_of_presence_messages()
    {
        var system = fixture.System;
        var workspace = $"ws-{Guid.NewGuid():N}";
        var clients = new TestClient[Clients];
        try
        {
            await Parallel.ForAsync(0, Clients, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            {
                var token = system.Tokens.Issue($"user{i:D4}", [workspace], ["member"], TimeSpan.FromMinutes(10));
                clients[i] = await TestClient.ConnectAsync(system.EdgeUrls[0], token, workspace);
            });

            await Task.WhenAll(clients.Select(c => c.Events.WaitForAsync(
                e => e.Name == "presence:summary" && e.Payload.GetProperty("online").GetInt32() == Clients,
                "a summary with every user online",
                TimeSpan.FromSeconds(60))));

            var presence = clients.Select(c => c.Events.Snapshot().Where(e => e.Name is "presence:update" or "presence:summary").ToList()).ToList();
            var messages = presence.Select(p => p.Count).ToList();
            var bytes = presence.Select(p => p.Sum(e => e.Payload.GetRawText().Length)).ToList();
            output.WriteLine($"{Clients} joins: presence messages per client max {messages.Max()}, mean {messages.Average():F1}; payload bytes per client max {bytes.Max()}, mean {bytes.Average():F0}");
            Assert.True(messages.Max() <= MaxPresenceMessagesPerClient, $"a client got {messages.Max()} presence messages");
            Assert.True(bytes.Max() <= MaxPresenceBytesPerClient, $"a client got {bytes.Max()} bytes of presence");

            var listed = await PageThroughAsync(clients[0].Connection);
            Assert.Equal(Clients, listed.Count);
            Assert.All(listed, u => Assert.Equal("online", u.GetProperty("status").GetString()));
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<List<JsonElement>> PageThroughAsync(HubConnection connection)
    {
        var users = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await connection.InvokeAsync<JsonElement>("presence:get", new { cursor, limit = 300 });
            users.AddRange(page.GetProperty("users").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return users;
    }
}
