using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains;
using Realtime.Grains.Presence;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// Checks of client payloads. Bad input is refused with a HubException that says what is
/// wrong; the connection stays usable, and nothing is stored or broadcast.
/// </summary>
public static class HubInput
{
    public const int MaxPageLength = 512;
    public const int MaxWatchedUsers = 100;

    public static T Require<T>(T? request, string eventName, ConnectionIdentity identity)
        where T : ClientRequest
    {
        if (request is null)
        {
            throw new HubException($"{eventName} needs a payload.");
        }

        EnsureSameWorkspace(request, identity);
        return request;
    }

    public static void EnsureSameWorkspace(ClientRequest? request, ConnectionIdentity identity)
    {
        if (request?.WorkspaceId is { } workspaceId && !string.Equals(workspaceId, identity.WorkspaceId, StringComparison.Ordinal))
        {
            throw new HubException($"This connection is in workspace '{identity.WorkspaceId}' and cannot act in another workspace.");
        }
    }

    public static string Page(string? page) =>
        !string.IsNullOrWhiteSpace(page) && page.Length <= MaxPageLength
            ? page
            : throw new HubException($"page:navigate needs a page of 1 to {MaxPageLength} characters.");

    public static PresenceStatus Status(string? status) => status switch
    {
        "online" => PresenceStatus.Online,
        "away" => PresenceStatus.Away,
        "offline" => PresenceStatus.Offline,
        _ => throw new HubException("presence:status needs a status of \"online\", \"away\" or \"offline\"."),
    };

    /// <summary>An id-like field: conversation, resource and resource type ids.</summary>
    public static string Id(string? value, string field, string eventName) =>
        RealtimeIds.IsValid(value)
            ? value
            : throw new HubException($"{eventName} needs {field}: 1 to {RealtimeIds.MaxLength} letters, digits or - _ . @ :");

    public static string ActivityType(string? type) =>
        type is not null && PresenceActivity.Types.Contains(type)
            ? type
            : throw new HubException($"presence:activity needs a type of {string.Join(", ", PresenceActivity.Types.Select(t => $"\"{t}\""))}.");

    public static PresencePage PresencePage(PresencePageRequest? request, bool onlineOnly)
    {
        var limit = request?.Limit ?? Grains.Presence.PresencePage.DefaultLimit;
        if (limit is < 1 or > Grains.Presence.PresencePage.MaxLimit)
        {
            throw new HubException($"limit must be between 1 and {Grains.Presence.PresencePage.MaxLimit}.");
        }

        if (request?.Cursor is { } cursor && !RealtimeIds.IsValid(cursor))
        {
            throw new HubException("cursor is not one this server gave out.");
        }

        return new PresencePage(request?.Cursor, limit, onlineOnly);
    }

    public static IReadOnlyList<string> WatchedUsers(IReadOnlyList<string>? userIds)
    {
        if (userIds is null || userIds.Count > MaxWatchedUsers || !userIds.All(RealtimeIds.IsValid))
        {
            throw new HubException($"presence:watch needs userIds: up to {MaxWatchedUsers} valid user ids.");
        }

        return userIds.Distinct(StringComparer.Ordinal).ToList();
    }
}
