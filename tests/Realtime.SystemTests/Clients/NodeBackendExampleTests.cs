using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Notifications;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.Clients;

/// <summary>
/// examples/node-backend, run by Node.js as the README shows, against a running system: what it
/// publishes over the HTTP API reaches real clients (the stock @microsoft/signalr client on
/// /realtime, the .NET client where a subscribe call is needed), and the user it revokes is cut off.
/// </summary>
[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class NodeBackendExampleTests(EmbeddedSystemFixture fixture)
{
    private static readonly string ExampleDirectory = Path.Combine(HostProcess.SolutionRoot(), "examples", "node-backend");
    private static readonly SemaphoreSlim Installed = new(1, 1);

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task The_node_backend_s_broadcast_notifications_dashboard_inbox_and_revocation_reach_clients()
    {
        await InstallAsync();
        var hub = new Uri(System.EdgeUrls[0], $"/realtime?workspaceId={_workspaceId}");
        await using var alice = await StockJsClient.ConnectAsync(hub, Token("alice"), "campaign:launched", "session:revoked");
        await using var bob = await StockJsClient.ConnectAsync(hub, Token("bob"), "session:revoked");
        await using var notifications = await ConnectAsync("alice", "/notifications");
        await using var dashboard = await ConnectAsync("alice", "/dashboard");
        await dashboard.Connection.InvokeAsync<JsonElement>("dashboard:subscribe");
        await using var metrics = await ConnectAsync("alice", "/metrics");
        await metrics.Connection.InvokeAsync<JsonElement>("metrics:subscribe");
        await using var inbox = await ConnectAsync("alice", "/inbox");
        await inbox.Connection.InvokeAsync<JsonElement>("inbox:subscribe");
        var bobsToken = Token("bob");

        var steps = await RunExampleAsync(_workspaceId, "alice", "bob");

        Assert.Equal(["broadcast", "notification", "workspace notification", "dashboard", "metric", "inbox message", "conversation", "revoke"], steps.Select(s => s.GetProperty("step").GetString()));
        Assert.Equal(1, steps[^1].GetProperty("result").GetProperty("closed").GetInt32());
        var launched = await alice.Reports.WaitForAsync(r => IsEvent(r, "campaign:launched"), "the broadcast on the stock client");
        Assert.Equal("Spring sale", launched.GetProperty("payload").GetProperty("campaign").GetString());
        await notifications.Events.WaitForAsync(e => e.Name == "notification" && e.Payload.GetProperty("type").GetString() == "approval", "the user's notification");
        await notifications.Events.WaitForAsync(e => e.Name == "notification" && e.Payload.GetProperty("type").GetString() == "crisis", "the workspace notification");
        var followers = await dashboard.Events.WaitForAsync(e => e.Name == "dashboard:followers:update", "the follower update");
        Assert.Equal(15230, followers.Payload.GetProperty("followers").GetInt64());
        await metrics.Events.WaitForAsync(e => e.Name == "metrics:update" && e.Payload.GetProperty("metric").GetString() == "queue_depth", "the metric");
        await inbox.Events.WaitForAsync(e => e.Name == "inbox:message" && e.Payload.GetProperty("content").GetString() == "Where is my order?", "the customer's message");
        await inbox.Events.WaitForAsync(e => e.Name == "inbox:conversation:update" && e.Payload.GetProperty("status").GetString() == "pending", "the assignment");

        var revoked = await bob.Reports.WaitForAsync(r => IsEvent(r, "session:revoked"), "bob told his session was revoked");
        Assert.Equal("removed from the team", revoked.GetProperty("payload").GetProperty("reason").GetString());
        Assert.DoesNotContain(alice.Reports.Snapshot(), r => IsEvent(r, "session:revoked"));
        var again = TestClient.Build(System.EdgeUrls[0], "/realtime", _workspaceId, bobsToken);
        await using (again)
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    [Fact]
    public async Task The_node_backend_receives_and_verifies_the_cluster_s_webhooks_and_refuses_a_forged_one()
    {
        await InstallAsync();
        var port = RedisServer.FreePort();
        await using var receiver = NodeScript.Start(ExampleDirectory, "webhooks.mjs", new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["WEBHOOK_SECRET"] = WebhookReceiver.Secret,
        }, endsWithStdin: false);
        await receiver.Lines.WaitForAsync(l => l.TryGetProperty("listening", out _), "the receiver listening");
        await using var system = await RealtimeSystem.StartEmbeddedAsync(siloSettings: new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Url"] = $"http://127.0.0.1:{port}/webhooks",
            ["Webhooks:Endpoints:0:Secret"] = WebhookReceiver.Secret,
            ["Webhooks:OfflineGraceSeconds"] = "1",
        });

        var token = system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
        var notifications = await TestClient.ConnectAsync(system.EdgeUrls[0], token, _workspaceId, "/notifications");
        await notifications.Events.WaitForAsync(e => e.Name == "notification:unread", "alice's connection going live");
        var sent = await new NotificationService(system.SiloService<IGrainFactory>()).SendNotification("alice", _workspaceId, "approval", "Post needs approval", "Spring sale teaser");
        await notifications.Connection.InvokeAsync<JsonElement>("notification:read", new { notificationId = sent.Id });
        await notifications.DisposeAsync();

        await receiver.Lines.WaitForAsync(l => Webhook(l) == "presence.offline", "alice offline, verified by the node receiver");
        var taken = receiver.Lines.Snapshot().Where(l => Webhook(l) is not null).ToList();
        Assert.Equal(["presence.online", "notification.read", "presence.offline"], taken.Select(Webhook));
        Assert.All(taken, l => Assert.Equal(_workspaceId, l.GetProperty("workspaceId").GetString()));
        Assert.Equal(sent.Id, taken[1].GetProperty("data").GetProperty("notificationId").GetString());

        // A webhook signed with another secret is refused and not taken.
        var forged = """{"type":"presence.offline","id":"msg_forged","timestamp":"2026-01-01T00:00:00Z","workspaceId":"w1","userId":"bob","data":{"status":"offline"}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/webhooks") { Content = new StringContent(forged) };
        var now = DateTimeOffset.UtcNow;
        request.Headers.Add("webhook-id", "msg_forged");
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", new StandardWebhooks.StandardWebhook("whsec_" + Convert.ToBase64String(new byte[32])).Sign("msg_forged", now, forged));
        using var http = new HttpClient();
        using var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.DoesNotContain(receiver.Lines.Snapshot(), l => l.TryGetProperty("id", out var id) && id.GetString() == "msg_forged");
    }

    private static string? Webhook(JsonElement line) => line.TryGetProperty("webhook", out var type) ? type.GetString() : null;

    /// <summary>The example's own dependencies, from its lock file, once per test run.</summary>
    private static async Task InstallAsync()
    {
        await Installed.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(ExampleDirectory, "node_modules", "jose")) || !Directory.Exists(Path.Combine(ExampleDirectory, "node_modules", "standardwebhooks")))
            {
                var (exitCode, _, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], []);
                Assert.True(exitCode == 0, $"npm ci in examples/node-backend failed: {errors}");
            }
        }
        finally
        {
            Installed.Release();
        }
    }

    private async Task<List<JsonElement>> RunExampleAsync(params string[] arguments)
    {
        var (exitCode, output, errors) = await RunAsync("node", ["backend.mjs", .. arguments], new Dictionary<string, string>
        {
            ["REALTIME_URL"] = System.EdgeUrls[0].ToString(),
            ["JWT_SIGNING_KEY"] = RealtimeSystem.SigningKey,
            ["JWT_ISSUER"] = RealtimeSystem.Issuer,
            ["JWT_AUDIENCE"] = RealtimeSystem.Audience,
        });
        Assert.True(exitCode == 0, $"the example failed ({exitCode}): {errors}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, string[] arguments, Dictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            WorkingDirectory = ExampleDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran over 3 minutes.");
        }

        return (process.ExitCode, await output, await errors);
    }

    private static bool IsEvent(JsonElement report, string name) =>
        report.GetProperty("kind").GetString() == "event" && report.GetProperty("name").GetString() == name;

    private async Task<TestClient> ConnectAsync(string userId, string hubPath)
    {
        var client = await TestClient.ConnectAsync(System.EdgeUrls[0], Token(userId), _workspaceId, hubPath);
        await client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} on {hubPath}");
        return client;
    }

    private string Token(string userId) => System.Tokens.Issue(userId, [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
}
