using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Realtime.Grains.Notifications;
using Realtime.SystemTests.Infrastructure;
using Xunit.Abstractions;

namespace Realtime.SystemTests.EndToEnd;

/// <summary>
/// The first moments of a /notifications connection: every notification accepted after the
/// handshake completed (the official client's start() resolved) reaches the connection live,
/// exactly once, whether or not it passed lastNotificationId, before the connection has gone live
/// on the server as much as after.
/// </summary>
public abstract class NotificationFirstMomentsTests(RealtimeSystem system, ITestOutputHelper output)
{
    private const int FreshUsers = 1000;
    private const int ConcurrentUsers = 50;

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_notification_sent_the_moment_a_fresh_user_connects_is_delivered_live_once()
    {
        using var service = Http(system.Tokens.Issue("crm-service", [], ["service"], TimeSpan.FromMinutes(10)));
        var clients = new ConcurrentBag<(TestClient Client, string Id)>();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, FreshUsers), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentUsers }, async (i, _) =>
            {
                var userId = $"fresh-{i}";
                var client = await ConnectAsync(userId, edge: i);

                // At once: the handshake is complete, nothing else has happened yet.
                var id = await SendAsync(service, userId, $"for {userId}");
                clients.Add((client, id));
            });

            foreach (var (client, id) in clients)
            {
                await client.Events.WaitForAsync(e => e.Name == "notification" && Id(e) == id, $"{id} live");
            }

            var duplicates = clients.Sum(c => NotificationIds(c.Client).Count - 1);
            output.WriteLine($"{FreshUsers} fresh users over {system.EdgeUrls.Count} edge(s): all delivered live, {duplicates} duplicates");
            Assert.All(clients, c => Assert.Equal([c.Id], NotificationIds(c.Client)));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.Client.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_tab_already_open_misses_nothing_while_more_tabs_of_its_user_connect()
    {
        using var service = Http(system.Tokens.Issue("crm-service", [], ["service"], TimeSpan.FromMinutes(10)));
        var tabs = new List<TestClient>();
        var sent = new List<string>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                tabs.Add(await ConnectAsync("alice", edge: i));
                sent.Add(await SendAsync(service, "alice", $"after tab {i}"));
            }

            for (var i = 0; i < tabs.Count; i++)
            {
                var expected = sent.Skip(i).ToList();
                await tabs[i].Events.WaitForAsync(e => e.Name == "notification" && Id(e) == sent[^1], $"tab {i} got the last one");
                Assert.Equal(expected, NotificationIds(tabs[i]));
            }
        }
        finally
        {
            await Task.WhenAll(tabs.Select(t => t.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_workspace_notification_sent_the_moment_a_member_connects_is_delivered_live_once()
    {
        var notifications = new NotificationService(system.EdgeService<IClusterClient>());
        var members = new List<TestClient>();
        var sent = new List<string>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                members.Add(await ConnectAsync($"member-{i}", edge: i));
                sent.Add((await notifications.SendWorkspaceNotification(_workspaceId, NotificationTypes.System, $"to all {i}", "")).Draft.Title);
            }

            // Member i connected before notification i was sent and after the earlier ones: it gets
            // notification i and every later one live, once each, in order.
            for (var i = 0; i < members.Count; i++)
            {
                await members[i].Events.WaitForAsync(e => e.Name == "notification" && Title(e) == sent[^1], $"member {i} got the last one");
                Assert.Equal(sent.Skip(i), Titles(members[i]));
            }
        }
        finally
        {
            await Task.WhenAll(members.Select(m => m.DisposeAsync().AsTask()));
        }
    }

    private Task<TestClient> ConnectAsync(string userId, int edge) =>
        TestClient.ConnectAsync(
            system.EdgeUrls[edge % system.EdgeUrls.Count],
            system.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(10)),
            _workspaceId,
            "/notifications");

    private async Task<string> SendAsync(HttpClient service, string userId, string title)
    {
        using var response = await service.PostAsJsonAsync("/realtime/notifications/send", new { userId, workspaceId = _workspaceId, type = "mention", title, message = "m" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static string? Id(ReceivedEvent e) => e.Payload.GetProperty("id").GetString();

    private static string? Title(ReceivedEvent e) => e.Payload.GetProperty("title").GetString();

    private static List<string> NotificationIds(TestClient client) =>
        client.Events.Snapshot().Where(e => e.Name == "notification").Select(e => Id(e)!).ToList();

    private static List<string> Titles(TestClient client) =>
        client.Events.Snapshot().Where(e => e.Name == "notification").Select(e => Title(e)!).ToList();

    private HttpClient Http(string token)
    {
        var http = new HttpClient { BaseAddress = system.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}

[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class EmbeddedNotificationFirstMomentsTests(EmbeddedSystemFixture fixture, ITestOutputHelper output)
    : NotificationFirstMomentsTests(fixture.System, output);

[Trait("Kind", "System")]
[Collection(RedisSystemCollection.Name)]
public sealed class RedisNotificationFirstMomentsTests(RedisSystemFixture fixture, ITestOutputHelper output)
    : NotificationFirstMomentsTests(fixture.System, output);
