using System.Net;
using System.Text.Json;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// What must hold in the fuzzed workspace: every presence, typing and activity a member sees or
/// the HTTP API returns keeps to the input rules, whoever sent it.
/// </summary>
public static class WorkspaceChecks
{
    /// <summary>Problems in one event a member received; none for events that carry no client input.</summary>
    public static IEnumerable<string> Problems(ReceivedEvent e) => e.Name switch
    {
        "presence:update" or "presence:list" or "presence:online:list" => e.Payload.GetProperty("users").EnumerateArray().SelectMany(PresenceProblems),
        "presence:typing" or "inbox:typing" => Check(e.Payload, "conversationId", InputRules.IsValidId),
        "presence:activity" => ActivityProblems(e.Payload),
        _ => [],
    };

    public static IEnumerable<string> PresenceProblems(JsonElement presence)
    {
        foreach (var problem in Check(presence, "status", InputRules.Statuses.Contains))
        {
            yield return problem;
        }

        if (presence.TryGetProperty("currentPage", out var page) && page.ValueKind != JsonValueKind.Null && !InputRules.IsValidPage(page.GetString()))
        {
            yield return $"stored page {page.GetRawText()}";
        }

        if (presence.TryGetProperty("activity", out var activity) && activity.ValueKind == JsonValueKind.Object)
        {
            foreach (var problem in ActivityProblems(activity))
            {
                yield return problem;
            }
        }
    }

    /// <summary>The workspace's presence over HTTP, checked user by user.</summary>
    public static async Task<IReadOnlyList<string>> StoredPresenceProblemsAsync(HttpClient http, string workspaceId)
    {
        using var response = await http.GetAsync($"/realtime/presence/workspace/{workspaceId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return [.. body.GetProperty("users").EnumerateArray().SelectMany(PresenceProblems)];
    }

    /// <summary>Every object with an id and a title in a notification list.</summary>
    public static IEnumerable<(string Id, string? Title)> Notifications(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object when element.TryGetProperty("id", out var id) && element.TryGetProperty("title", out var title) =>
            [(id.GetString()!, title.GetString())],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Notifications(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Notifications),
        _ => [],
    };

    private static IEnumerable<string> ActivityProblems(JsonElement activity) =>
        Check(activity, "type", InputRules.ActivityTypes.Contains)
            .Concat(Check(activity, "resourceId", InputRules.IsValidId))
            .Concat(Check(activity, "resourceType", InputRules.IsValidId));

    private static IEnumerable<string> Check(JsonElement element, string field, Func<string, bool> valid) =>
        element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && valid(value.GetString()!)
            ? []
            : [$"{field} {(element.TryGetProperty(field, out var v) ? v.GetRawText() : "(missing)")} in {element.GetRawText()[..Math.Min(300, element.GetRawText().Length)]}"];
}
