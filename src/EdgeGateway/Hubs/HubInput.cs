using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Limits;
using Realtime.Grains;
using Realtime.Grains.Presence;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// Checks of client payloads. Bad input is refused with a HubException that says what is
/// wrong; the connection stays usable, and nothing is stored or broadcast. Text longer than the
/// configured limits (Edge:Limits) is refused with a <see cref="LimitRefusedException"/>, which
/// the limits filter counts.
/// </summary>
public static class HubInput
{
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

    public static string Page(string? page, EdgeLimitsOptions limits)
    {
        var problem = $"page:navigate needs a page of 1 to {limits.MaxPageLength} characters, without control characters.";

        // Every member receives the page and the grain stores it: control characters (NUL, newlines,
        // terminal escapes) and unpaired surrogates are never part of a location and would reach them all.
        if (string.IsNullOrWhiteSpace(page) || !PlainText.IsClean(page))
        {
            throw new HubException(problem);
        }

        return page.Length <= limits.MaxPageLength ? page : throw new LimitRefusedException(LimitNames.FieldLength, problem);
    }

    public static PresenceStatus Status(string? status) => status switch
    {
        "online" => PresenceStatus.Online,
        "away" => PresenceStatus.Away,
        "offline" => PresenceStatus.Offline,
        _ => throw new HubException("presence:status needs a status of \"online\", \"away\" or \"offline\"."),
    };

    /// <summary>An id-like field: conversation, resource, resource type and message ids.</summary>
    public static string Id(string? value, string field, string eventName, EdgeLimitsOptions limits)
    {
        var problem = $"{eventName} needs {field}: 1 to {limits.MaxIdLength} letters, digits or - _ . @ :";
        if (value is { Length: > 0 } && value.Length > limits.MaxIdLength)
        {
            throw new LimitRefusedException(LimitNames.FieldLength, problem);
        }

        return RealtimeIds.IsValid(value) ? value : throw new HubException(problem);
    }

    /// <summary>A notification id: its shape is the grain's to judge, its length the edge's.</summary>
    public static string NotificationId(string? value, string field, string eventName, EdgeLimitsOptions limits)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new HubException($"{eventName} needs a {field}.");
        }

        return value.Length <= limits.MaxIdLength
            ? value
            : throw new LimitRefusedException(LimitNames.FieldLength, $"{eventName} needs a {field} of at most {limits.MaxIdLength} characters.");
    }

    public static string ActivityType(string? type) =>
        type is not null && PresenceActivity.Types.Contains(type)
            ? type
            : throw new HubException($"presence:activity needs a type of {string.Join(", ", PresenceActivity.Types.Select(t => $"\"{t}\""))}.");

    public static PresencePage PresencePage(PresencePageRequest? request, bool onlineOnly, EdgeLimitsOptions limits)
    {
        var limit = request?.Limit ?? Grains.Presence.PresencePage.DefaultLimit;
        if (limit is < 1 or > Grains.Presence.PresencePage.MaxLimit)
        {
            throw new HubException($"limit must be between 1 and {Grains.Presence.PresencePage.MaxLimit}.");
        }

        if (request?.Cursor is { } cursor)
        {
            Id(cursor, "a cursor this server gave out", "presence paging", limits);
        }

        return new PresencePage(request?.Cursor, limit, onlineOnly);
    }

    public static IReadOnlyList<string> WatchedUsers(IReadOnlyList<string>? userIds, EdgeLimitsOptions limits)
    {
        var problem = $"presence:watch needs userIds: up to {MaxWatchedUsers} valid user ids of at most {limits.MaxIdLength} characters.";
        if (userIds is null || userIds.Count > MaxWatchedUsers || !userIds.All(RealtimeIds.IsValid))
        {
            throw new HubException(problem);
        }

        return userIds.Any(u => u.Length > limits.MaxIdLength)
            ? throw new LimitRefusedException(LimitNames.FieldLength, problem)
            : userIds.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>An optional filter of names (platforms, metrics): null for everything.</summary>
    public static IReadOnlyList<string>? NameFilter(IReadOnlyList<string>? names, string field, int maxEntries, EdgeLimitsOptions limits)
    {
        var problem = $"{field} must list 1 to {maxEntries} valid names of at most {limits.MaxIdLength} characters, or be left out for all.";
        if (names is null)
        {
            return null;
        }

        if (names.Count == 0 || names.Count > maxEntries || !names.All(RealtimeIds.IsValid))
        {
            throw new HubException(problem);
        }

        return names.Any(n => n.Length > limits.MaxIdLength) ? throw new LimitRefusedException(LimitNames.FieldLength, problem) : names;
    }
}
