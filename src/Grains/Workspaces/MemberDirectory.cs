using Realtime.Grains.Presence;

namespace Realtime.Grains.Workspaces;

/// <summary>
/// The in-memory view of a workspace's members that the grain works from: the persisted member
/// map plus what is derived from it and kept up to date on every change (ids in order for
/// paging, active counts, connections per edge), so no request scans every member.
/// </summary>
public sealed class MemberDirectory(Dictionary<string, WorkspaceMember> members)
{
    private readonly SortedSet<string> _orderedIds = new(members.Keys, StringComparer.Ordinal);
    private readonly Dictionary<string, int> _connectionsPerEdge = new(StringComparer.Ordinal);
    private int _online;
    private int _away;

    public int Online => _online;

    public int Away => _away;

    public int Total => members.Count;

    /// <summary>Members online or away: the size that decides how presence is fanned out.</summary>
    public int Active => _online + _away;

    public IReadOnlyDictionary<string, int> ConnectionsPerEdge => _connectionsPerEdge;

    public static MemberDirectory Rebuild(Dictionary<string, WorkspaceMember> members)
    {
        var directory = new MemberDirectory(members);
        foreach (var member in members.Values)
        {
            directory.Count(member, +1);
        }

        return directory;
    }

    public WorkspaceMember? Get(string userId) => members.GetValueOrDefault(userId);

    /// <summary>Replaces a member and returns the previous entry.</summary>
    public WorkspaceMember? Set(WorkspaceMember member)
    {
        var userId = member.Presence.UserId;
        var previous = members.GetValueOrDefault(userId);
        if (previous is not null)
        {
            Count(previous, -1);
        }

        members[userId] = member;
        _orderedIds.Add(userId);
        Count(member, +1);
        return previous;
    }

    /// <summary>Members holding at least one connection anywhere.</summary>
    public IEnumerable<string> ConnectedUsers() =>
        members.Values.Where(m => m.ConnectionsPerEdge.Count > 0).Select(m => m.Presence.UserId);

    /// <summary>Members holding connections on <paramref name="edgeId"/>.</summary>
    public IEnumerable<string> UsersOnEdge(string edgeId) =>
        members.Values.Where(m => m.ConnectionsPerEdge.ContainsKey(edgeId)).Select(m => m.Presence.UserId);

    /// <summary>One page in user id order, starting after <paramref name="cursor"/>.</summary>
    public (List<UserPresence> Users, string? NextCursor) Page(string? cursor, int limit, bool onlineOnly) =>
        Page(cursor, limit, onlineOnly ? static presence => presence.Status != PresenceStatus.Offline : static _ => true);

    /// <summary>One page of the members <paramref name="include"/> takes, in user id order, starting after <paramref name="cursor"/>; it stops at the limit.</summary>
    public (List<UserPresence> Users, string? NextCursor) Page(string? cursor, int limit, Func<UserPresence, bool> include)
    {
        IEnumerable<string> ids = cursor is null
            ? _orderedIds
            : _orderedIds.GetViewBetween(cursor, _orderedIds.Max ?? cursor).Where(id => string.CompareOrdinal(id, cursor) > 0);

        var users = new List<UserPresence>(Math.Min(limit, members.Count));
        foreach (var id in ids)
        {
            var presence = members[id].Presence;
            if (!include(presence))
            {
                continue;
            }

            if (users.Count == limit)
            {
                return (users, users[^1].UserId);
            }

            users.Add(presence);
        }

        return (users, null);
    }

    private void Count(WorkspaceMember member, int sign)
    {
        switch (member.Presence.Status)
        {
            case PresenceStatus.Online:
                _online += sign;
                break;
            case PresenceStatus.Away:
                _away += sign;
                break;
        }

        foreach (var (edgeId, connections) in member.ConnectionsPerEdge)
        {
            var total = _connectionsPerEdge.GetValueOrDefault(edgeId) + (sign * connections);
            if (total > 0)
            {
                _connectionsPerEdge[edgeId] = total;
            }
            else
            {
                _connectionsPerEdge.Remove(edgeId);
            }
        }
    }
}
