using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.EdgeGateway.Limits;

namespace Realtime.IntegrationTests.Security;

/// <summary>Free-text fields bounded by Edge:Limits, over real sockets and HTTP.</summary>
[Trait("Kind", "Integration")]
[Collection(LimitedSystemCollection.Name)]
public sealed class FieldLengthLimitTests(LimitedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task Long_hub_fields_are_refused_with_the_limit_and_the_connection_stays_usable()
    {
        var userId = $"long-{Guid.NewGuid():N}";
        await using var realtime = await fixture.ConnectAsync(userId, _workspaceId);
        await using var presence = await fixture.ConnectAsync(userId, _workspaceId, "/presence");
        var longId = new string('c', LimitedSystemFixture.MaxIdLength + 1);

        var page = await Assert.ThrowsAsync<HubException>(() =>
            realtime.Connection.InvokeAsync("page:navigate", new { page = "/" + new string('p', LimitedSystemFixture.MaxPageLength) }));
        Assert.Contains($"page:navigate needs a page of 1 to {LimitedSystemFixture.MaxPageLength} characters", page.Message, StringComparison.Ordinal);

        var typing = await Assert.ThrowsAsync<HubException>(() =>
            presence.Connection.InvokeAsync("presence:typing", new { conversationId = longId, isTyping = true }));
        Assert.Contains($"conversationId: 1 to {LimitedSystemFixture.MaxIdLength} letters", typing.Message, StringComparison.Ordinal);

        var activity = await Assert.ThrowsAsync<HubException>(() =>
            presence.Connection.InvokeAsync("presence:activity", new { type = "editing", resourceId = longId, resourceType = "post" }));
        Assert.Contains("resourceId", activity.Message, StringComparison.Ordinal);

        // Still usable, and the long values were never stored.
        await realtime.Connection.InvokeAsync("page:navigate", new { page = "/inbox" });
        await presence.Connection.InvokeAsync("presence:typing", new { conversationId = "conv-1", isTyping = true });
        var everyone = await realtime.Connection.InvokeAsync<JsonElement>("presence:get");
        var me = everyone.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == userId);
        Assert.Equal("/inbox", me.GetProperty("currentPage").GetString());

        Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.FieldLength, "realtime") >= 1);
        Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.FieldLength, "presence") >= 2);
    }

    [Fact]
    public async Task A_long_notification_id_is_refused_on_the_notifications_hub()
    {
        await using var notifications = await fixture.ConnectAsync($"reader-{Guid.NewGuid():N}", _workspaceId, "/notifications");

        var read = await Assert.ThrowsAsync<HubException>(() =>
            notifications.Connection.InvokeAsync<JsonElement>("notification:read", new { notificationId = new string('1', LimitedSystemFixture.MaxIdLength + 1) }));

        Assert.Contains($"notificationId of at most {LimitedSystemFixture.MaxIdLength} characters", read.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, notifications.Connection.State);
    }

    [Fact]
    public async Task A_long_notification_title_over_http_is_a_400_problem_naming_the_field()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token("backend", _workspaceId, "service"));
        var draft = new { userId = "someone", workspaceId = _workspaceId, type = "system", message = "hello", title = new string('t', LimitedSystemFixture.MaxNotificationTitleLength + 1) };

        using var response = await http.PostAsJsonAsync("/realtime/notifications/send", draft);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"1 to {LimitedSystemFixture.MaxNotificationTitleLength} characters", problem.GetProperty("errors").GetProperty("title")[0].GetString());

        using var fine = await http.PostAsJsonAsync("/realtime/notifications/send", draft with { title = "short" });
        Assert.Equal(HttpStatusCode.Accepted, fine.StatusCode);
        Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.FieldLength, LimitNames.HttpApi) >= 1);
    }

    [Fact]
    public async Task An_http_body_over_the_limit_is_a_413_problem_before_it_is_parsed()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token("backend", _workspaceId, "service"));
        var huge = new { userId = "someone", workspaceId = _workspaceId, type = "system", title = "big", message = "hello", data = new { blob = new string('b', 100 * 1024) } };

        using var response = await http.PostAsJsonAsync("/realtime/notifications/send", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.RequestBody, LimitNames.HttpApi) >= 1);

        using var fine = await http.PostAsJsonAsync("/realtime/notifications/send", huge with { data = new { blob = "small" } });
        Assert.Equal(HttpStatusCode.Accepted, fine.StatusCode);
    }

    [Fact]
    public async Task Notification_text_with_control_characters_over_http_is_a_400_problem_naming_the_field()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.EdgeUrls[0] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token("backend", _workspaceId, "service"));
        var draft = new { userId = "someone", workspaceId = _workspaceId, type = "system", title = "\u001b[31mred", message = "line one\nline two\u0000" };

        using var response = await http.PostAsJsonAsync("/realtime/notifications/send", draft);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal("text without control characters", errors.GetProperty("title")[0].GetString());
        Assert.Equal("text without control characters other than line breaks and tabs", errors.GetProperty("message")[0].GetString());

        // Line breaks and tabs are fine in a message.
        using var fine = await http.PostAsJsonAsync("/realtime/notifications/send", draft with { title = "red", message = "line one\n\tline two" });
        Assert.Equal(HttpStatusCode.Accepted, fine.StatusCode);
    }
}
