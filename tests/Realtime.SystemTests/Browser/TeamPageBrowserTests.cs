using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Realtime.Grains.Dashboards;
using Realtime.Grains.Notifications;
using static Microsoft.Playwright.Assertions;

namespace Realtime.SystemTests.Browser;

/// <summary>
/// The live team page served by the edge, in a real browser: two users of one workspace and a
/// third of another, each in their own browser context, signed in from the query string with the
/// development token endpoint. Every expectation waits for the page to show it (Playwright's
/// expect polls the DOM) and fails with what it saw.
/// </summary>
[Trait("Kind", "System")]
public sealed class TeamPageBrowserTests(BrowserSystemFixture fixture) : IClassFixture<BrowserSystemFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToHaveTextOptions AfterRestart = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToContainTextOptions SoonContains = new() { Timeout = 15_000 };

    private readonly string _workspace = $"team-{Guid.NewGuid():N}"[..20];
    private readonly string _otherWorkspace = $"other-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Two_teammates_see_each_other_live_and_another_workspace_sees_none_of_it()
    {
        await using var alice = await OpenAsync("alice", _workspace);
        await using var bob = await OpenAsync("bob", _workspace);
        await using var carol = await OpenAsync("carol", _otherWorkspace);

        // Alice sees Bob come online, change page and start typing.
        await Expect(Member(alice.Page, "bob").Locator("[data-testid=member-status]")).ToHaveTextAsync("online", Soon);
        await bob.Page.Locator("[data-testid=nav-link][data-page='/inbox']").ClickAsync();
        await Expect(Member(alice.Page, "bob").Locator("[data-testid=member-page]")).ToHaveTextAsync("/inbox", Soon);
        await bob.Page.Locator("[data-testid=compose]").PressSequentiallyAsync("on it", new() { Delay = 50 });
        await Expect(alice.Page.Locator("[data-testid=typing-user][data-user-id=bob]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // A notification sent over HTTP by a backend appears on Alice's bell and is marked read.
        var sent = await SendOverHttpAsync("alice", "Post approved", "Your post for Monday was approved.");
        var notification = alice.Page.Locator($"[data-testid=notification][data-id='{sent}']");
        await Expect(notification).ToContainTextAsync("Post approved", new() { Timeout = 15_000 });
        await Expect(alice.Page.Locator("[data-testid=unread-count]")).ToHaveTextAsync("1", Soon);
        await notification.Locator("[data-testid=mark-read]").ClickAsync();
        await Expect(alice.Page.Locator("[data-testid=unread-count]")).ToHaveTextAsync("0", Soon);
        await Expect(notification).ToHaveAttributeAsync("data-read", "true", new() { Timeout = 15_000 });

        // A dashboard update from a backend moves Alice's chart.
        var chart = alice.Page.Locator("canvas[data-testid=metrics-chart]");
        var pointsBefore = int.Parse(await chart.GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await new DashboardService(fixture.Cluster).BroadcastMetricUpdate(_workspace, "followers", 1234);
        await Expect(alice.Page.Locator("[data-testid=metric-latest]")).ToContainTextAsync("1234", SoonContains);
        await Expect(chart).ToHaveAttributeAsync("data-points", (pointsBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
        await ScreenshotsAsync("1-live", alice, bob, carol);

        // The edge restarts; a notification sent meanwhile shows once the page is back by itself.
        Task<Notification>? missed = null;
        await fixture.RestartEdgeAsync(async () =>
        {
            await Expect(alice.Page.Locator("[data-testid=connection-state]")).Not.ToHaveTextAsync("connected", Soon);
            missed = new NotificationService(fixture.Cluster).SendMentionNotification("alice", _workspace, "bob", "the launch plan");
            await missed;
        });
        await Expect(alice.Page.Locator("[data-testid=connection-state]")).ToHaveTextAsync("connected", AfterRestart);
        await Expect(alice.Page.Locator($"[data-testid=notification][data-id='{(await missed!).Id}']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(alice.Page.Locator("[data-testid=unread-count]")).ToHaveTextAsync("1", AfterRestart);
        await Expect(Member(alice.Page, "bob").Locator("[data-testid=member-status]")).ToHaveTextAsync("online", AfterRestart);
        await Expect(carol.Page.Locator("[data-testid=connection-state]")).ToHaveTextAsync("connected", AfterRestart);
        await ScreenshotsAsync("2-after-edge-restart", alice, bob, carol);

        // Carol, in another workspace, saw none of it.
        await Expect(carol.Page.Locator("[data-testid=member][data-user-id=alice]")).ToHaveCountAsync(0);
        await Expect(carol.Page.Locator("[data-testid=member][data-user-id=bob]")).ToHaveCountAsync(0);
        await Expect(carol.Page.Locator("[data-testid=typing-user]")).ToHaveCountAsync(0);
        await Expect(carol.Page.Locator("[data-testid=notification]")).ToHaveCountAsync(0);
        await Expect(carol.Page.Locator("[data-testid=unread-count]")).ToHaveTextAsync("0");
        await Expect(carol.Page.Locator("[data-testid=metric-latest]")).Not.ToContainTextAsync("1234");
        Assert.Empty(carol.PageErrors);
        Assert.Empty(alice.PageErrors);
    }

    [Fact]
    public async Task The_inbox_the_metrics_and_a_single_point_chart_follow_the_backend_live()
    {
        await using var alice = await OpenAsync("alice", _workspace);
        await using var bob = await OpenAsync("bob", _workspace);
        var inbox = $"/realtime/inbox/{_workspace}/conversations";

        // A customer's message starts a conversation, live in both inboxes.
        await AsServiceAsync(HttpMethod.Post, $"{inbox}/order-1/messages", new { messageId = "m-1", from = "customer", authorId = "cust-1", content = "Where is my order?" });
        await Expect(Conversation(alice.Page, "order-1").Locator("[data-testid=conversation-last]")).ToContainTextAsync("Where is my order?", SoonContains);
        await Expect(Conversation(alice.Page, "order-1").Locator("[data-testid=conversation-status]")).ToHaveTextAsync("open", Soon);
        await Expect(Conversation(bob.Page, "order-1")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // Bob opens it; Alice opens it too: Bob sees her read receipt, she sees him typing and the customer's next message.
        await Conversation(bob.Page, "order-1").ClickAsync();
        await Conversation(alice.Page, "order-1").ClickAsync();
        await Expect(alice.Page.Locator("[data-testid=inbox-message][data-message-id=m-1]")).ToContainTextAsync("Where is my order?", SoonContains);
        await Expect(bob.Page.Locator("[data-testid=read-receipt][data-user-id=alice]")).ToHaveAttributeAsync("data-message-id", "m-1", new() { Timeout = 15_000 });
        await bob.Page.Locator("[data-testid=inbox-compose]").PressSequentiallyAsync("Let me check", new() { Delay = 50 });
        await Expect(alice.Page.Locator("[data-testid=inbox-typing-user][data-user-id=bob]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await AsServiceAsync(HttpMethod.Post, $"{inbox}/order-1/messages", new { messageId = "m-2", from = "customer", authorId = "cust-1", content = "It was due Monday." });
        await Expect(alice.Page.Locator("[data-testid=inbox-message][data-message-id=m-2]")).ToContainTextAsync("It was due Monday.", SoonContains);

        // A conversation given an SLA counts down, then shows the escalation when it runs out.
        await AsServiceAsync(HttpMethod.Post, $"{inbox}/refund-2/messages", new { messageId = "r-1", from = "customer", authorId = "cust-2", content = "I want a refund." });
        await AsServiceAsync(HttpMethod.Patch, $"{inbox}/refund-2", new { slaSeconds = 10, assignedTo = "alice" });
        var sla = Conversation(alice.Page, "refund-2").Locator("[data-testid=sla]");
        await Expect(sla).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 8_000 });
        await Expect(sla).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^SLA 00:(0\d|10)$"));
        await Expect(Conversation(alice.Page, "refund-2").Locator("[data-testid=conversation-assignee]")).ToHaveTextAsync("assigned to alice", Soon);
        await Expect(sla).ToHaveAttributeAsync("data-state", "escalated", new() { Timeout = 30_000 });
        await Expect(sla).ToContainTextAsync("escalated", SoonContains);

        // /metrics: live values with their trend.
        await AsServiceAsync(HttpMethod.Post, $"/realtime/metrics/{_workspace}", new { metric = "queue_depth", value = 7 });
        var queue = alice.Page.Locator("[data-testid=live-metric][data-metric=queue_depth]");
        await Expect(queue.Locator("[data-testid=live-metric-value]")).ToHaveTextAsync("7", Soon);
        await AsServiceAsync(HttpMethod.Post, $"/realtime/metrics/{_workspace}", new { metric = "queue_depth", value = 4 });
        await Expect(queue.Locator("[data-testid=live-metric-value]")).ToHaveTextAsync("4", Soon);
        await Expect(queue.Locator("[data-testid=live-metric-trend]")).ToHaveAttributeAsync("data-trend", "down", new() { Timeout = 15_000 });

        // The chart with one point, then two equal ones: drawn at mid height with its value, not as a line on the bottom edge.
        var chart = alice.Page.Locator("canvas[data-testid=metrics-chart]");
        await new DashboardService(fixture.Cluster).BroadcastMetricUpdate(_workspace, "reach", 1234);
        await Expect(chart).ToHaveAttributeAsync("data-points", "1", new() { Timeout = 15_000 });
        var single = await ChartPixelsAsync(alice.Page);
        Assert.True(single.Above > 0 && single.Bottom == 0, $"one point: {single}");
        await new DashboardService(fixture.Cluster).BroadcastMetricUpdate(_workspace, "reach", 1234);
        await Expect(chart).ToHaveAttributeAsync("data-points", "2", new() { Timeout = 15_000 });
        var flat = await ChartPixelsAsync(alice.Page);
        Assert.True(flat.Above > 0 && flat.Bottom == 0, $"two equal points: {flat}");

        await alice.Page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactDirectory, "team-page.png"), FullPage = true });
        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }

    [Fact]
    public async Task A_message_sent_while_the_edge_restarts_shows_in_the_open_conversation_without_a_reload()
    {
        await using var alice = await OpenAsync("alice", _workspace);
        await AsServiceAsync(HttpMethod.Post, $"/realtime/inbox/{_workspace}/conversations/order-9/messages", new { messageId = "m-1", from = "customer", authorId = "cust-1", content = "Is it shipped?" });
        await Expect(Conversation(alice.Page, "order-9")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Conversation(alice.Page, "order-9").ClickAsync();
        await Expect(alice.Page.Locator("[data-testid=inbox-message][data-message-id=m-1]")).ToContainTextAsync("Is it shipped?", SoonContains);
        await alice.Page.EvaluateAsync("() => { window.stillTheSamePage = true; }");

        // Only the inbox's recovery can bring it: the page lists messages from live events alone.
        await fixture.RestartEdgeAsync(async () =>
        {
            await Expect(alice.Page.Locator("[data-testid=connection-state]")).Not.ToHaveTextAsync("connected", Soon);
            await new Realtime.Grains.Inbox.InboxService(fixture.Cluster).AddCustomerMessage(_workspace, "order-9", "m-2", "cust-1", "Hello? Anyone there?");
        });
        await Expect(alice.Page.Locator("[data-testid=connection-state]")).ToHaveTextAsync("connected", AfterRestart);
        await Expect(alice.Page.Locator("[data-testid=inbox-message][data-message-id=m-2]")).ToContainTextAsync("Hello? Anyone there?", new() { Timeout = 60_000 });
        await Expect(alice.Page.Locator("[data-testid=inbox-message]")).ToHaveCountAsync(2);
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "the page was not reloaded");
        await ScreenshotsAsync("3-inbox-recovered", alice);
        Assert.Empty(alice.PageErrors);
    }

    private static ILocator Conversation(IPage page, string conversationId) =>
        page.Locator($"[data-testid=conversation][data-conversation-id={conversationId}]");

    private static ILocator Member(IPage page, string userId) => page.Locator($"[data-testid=member][data-user-id={userId}]");

    private async Task<OpenPage> OpenAsync(string userId, string workspaceId)
    {
        var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var opened = new OpenPage(context, page);
        page.PageError += (_, error) => opened.PageErrors.Add(error);
        await page.GotoAsync(new Uri(fixture.EdgeUrl, $"/?user={userId}&workspace={workspaceId}").ToString());
        await Expect(page.Locator("[data-testid=connection-state]")).ToHaveTextAsync("connected", Soon);
        await Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(userId);
        await Expect(Member(page, userId).Locator("[data-testid=member-status]")).ToHaveTextAsync("online", Soon);
        return opened;
    }

    /// <summary>POST /realtime/notifications/send as a backend service (role "service"); returns the new id.</summary>
    private async Task<string> SendOverHttpAsync(string userId, string title, string message) =>
        (await AsServiceAsync(HttpMethod.Post, "/realtime/notifications/send", new { userId, workspaceId = _workspace, type = "approval", title, message }))
            .GetProperty("id").GetString()!;

    /// <summary>A call of the HTTP API as a backend service (role "service") makes it; returns the answer's body.</summary>
    private async Task<JsonElement> AsServiceAsync(HttpMethod method, string path, object body)
    {
        using var http = new HttpClient { BaseAddress = fixture.EdgeUrl };
        var token = (await http.GetFromJsonAsync<JsonElement>($"/dev/token?userId=backend&workspaces={_workspace}&roles=service")).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {answer}");
        return answer.Length == 0 ? default : JsonDocument.Parse(answer).RootElement.Clone();
    }

    /// <summary>Pixels of the chart's first series colour (#2563eb) in its bottom fifth and above it.</summary>
    private static async Task<(int Above, int Bottom)> ChartPixelsAsync(IPage page)
    {
        var counts = await page.Locator("canvas[data-testid=metrics-chart]").EvaluateAsync<int[]>("""
            canvas => {
              const { width, height } = canvas;
              const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
              let above = 0, bottom = 0;
              for (let y = 0; y < height; y++) {
                for (let x = 0; x < width; x++) {
                  const i = (y * width + x) * 4;
                  if (data[i] === 37 && data[i + 1] === 99 && data[i + 2] === 235 && data[i + 3] > 200) {
                    if (y > height * 0.8) bottom++; else above++;
                  }
                }
              }
              return [above, bottom];
            }
            """);
        return (counts[0], counts[1]);
    }

    private async Task ScreenshotsAsync(string step, params OpenPage[] pages)
    {
        foreach (var (page, name) in pages.Zip(new[] { "alice", "bob", "carol" }))
        {
            await page.Page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactDirectory, $"{step}-{name}.png"), FullPage = true });
        }
    }

    private sealed class OpenPage(IBrowserContext context, IPage page) : IAsyncDisposable
    {
        public IPage Page { get; } = page;

        public List<string> PageErrors { get; } = [];

        public async ValueTask DisposeAsync() => await context.DisposeAsync();
    }
}
