using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// A well-behaved member of the fuzzed workspace, on /realtime and /presence, plus the fuzzing
/// user's notifications sent before the fuzzing: what must come through the fuzzing unharmed.
/// </summary>
public sealed class Teammate : IAsyncDisposable
{
    private readonly MalformedInputFixture _fixture;
    private readonly string _workspaceId;
    private readonly string _fuzzer;
    private readonly TestClient _realtime;
    private readonly TestClient _presence;
    private readonly IReadOnlyList<string> _notificationIds;

    private Teammate(MalformedInputFixture fixture, string workspaceId, string fuzzer, TestClient realtime, TestClient presence, IReadOnlyList<string> notificationIds)
    {
        (_fixture, _workspaceId, _fuzzer, _realtime, _presence, _notificationIds) = (fixture, workspaceId, fuzzer, realtime, presence, notificationIds);
    }

    public static async Task<Teammate> StartAsync(MalformedInputFixture fixture, string workspaceId, string fuzzer)
    {
        var userId = $"mate-{Guid.NewGuid():N}";
        var realtime = await fixture.ConnectAsync(userId, workspaceId);
        var presence = await fixture.ConnectAsync(userId, workspaceId, "/presence");
        using var service = fixture.Http("backend", workspaceId, "service");
        var ids = new List<string>();
        foreach (var title in new[] { "first", "second" })
        {
            using var sent = await service.PostAsJsonAsync("/realtime/notifications/send", new { userId = fuzzer, workspaceId, type = "mention", title, message = "before the fuzzing" });
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            ids.Add((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        return new Teammate(fixture, workspaceId, fuzzer, realtime, presence, ids);
    }

    public async Task PingAsync() => await _realtime.Connection.InvokeAsync<JsonElement>("ping");

    /// <summary>After the fuzzing: the edge answers, broadcasts still arrive, and nothing stored or received breaks the rules.</summary>
    public async Task AssertUnharmedAsync()
    {
        await PingAsync();
        using var probe = new HttpClient { BaseAddress = _fixture.Edge };
        using (var ready = await probe.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // A broadcast the teammate expects still reaches it.
        var driver = $"driver-{Guid.NewGuid():N}";
        await using (var driving = await _fixture.ConnectAsync(driver, _workspaceId))
        {
            await driving.Connection.InvokeAsync("page:navigate", new { page = "/after-fuzzing" });
            await _realtime.Events.WaitForAsync(
                e => e.Name == "presence:update" && e.Payload.GetProperty("users").EnumerateArray()
                    .Any(u => u.GetProperty("userId").GetString() == driver && u.GetProperty("currentPage").GetString() == "/after-fuzzing"),
                "the driver's page after the fuzzing");
        }

        var received = _realtime.Events.Snapshot().Concat(_presence.Events.Snapshot()).ToList();
        Assert.Empty(received.SelectMany(WorkspaceChecks.Problems));
        Assert.DoesNotContain(received, e => e.Name == "notification");

        using var member = _fixture.Http(_fuzzer, _workspaceId);
        Assert.Empty(await WorkspaceChecks.StoredPresenceProblemsAsync(member, _workspaceId));
        var notifications = WorkspaceChecks.Notifications(await member.GetFromJsonAsync<JsonElement>($"/realtime/notifications/workspace/{_workspaceId}")).ToList();
        Assert.Equal(_notificationIds.Order(StringComparer.Ordinal), notifications.Select(n => n.Id).Order(StringComparer.Ordinal));
        Assert.All(notifications, n => Assert.Contains(n.Title, new[] { "first", "second" }));

        Assert.Empty(_fixture.Errors.Unexpected);
    }

    public async ValueTask DisposeAsync()
    {
        await _realtime.DisposeAsync();
        await _presence.DisposeAsync();
    }
}
