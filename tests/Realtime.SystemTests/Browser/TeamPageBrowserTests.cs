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
    private async Task<string> SendOverHttpAsync(string userId, string title, string message)
    {
        using var http = new HttpClient { BaseAddress = fixture.EdgeUrl };
        var token = (await http.GetFromJsonAsync<JsonElement>($"/dev/token?userId=backend&workspaces={_workspace}&roles=service")).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/realtime/notifications/send")
        {
            Content = JsonContent.Create(new { userId, workspaceId = _workspace, type = "approval", title, message }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
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
