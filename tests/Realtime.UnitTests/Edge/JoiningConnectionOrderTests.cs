using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Streaming;

namespace Realtime.UnitTests.Edge;

/// <summary>
/// A connection registered but not yet told <c>connected</c> gets its presence sync once told, and
/// the presence changes sent to its group meanwhile after the sync, never before: a change newer
/// than the sync that came first would be overwritten by the older sync.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class JoiningConnectionOrderTests
{
    private const string WorkspaceId = "w1";
    private static readonly string PresenceGroup = EdgeGroups.Presence(WorkspaceId);

    private readonly RecordingHubContext _hub = new();
    private readonly ConnectionAnnouncements _announcements = new(TimeProvider.System);

    [Fact]
    public async Task Changes_sent_while_the_connection_waits_for_connected_follow_its_sync()
    {
        var sender = new HubEventSender<PresenceHub>(_hub, RealtimeHubs.Presence, _announcements, new RecoveringConnections(NullLogger<RecoveringConnections>.Instance));
        _announcements.Registering("c1");

        var sync = sender.SendAsync(EventAudience.JoinGroup(WorkspaceId, "c1", InterestGroups.Presence), "presence:update", "sync", CancellationToken.None);
        await sender.SendAsync(EventAudience.InGroup(WorkspaceId, InterestGroups.Presence), "presence:update", "change 1", CancellationToken.None);
        Assert.Empty(_hub.ReceivedBy("c1"));
        Assert.False(sync.IsCompleted);

        _announcements.Announced("c1");
        await sync.WaitAsync(TimeSpan.FromSeconds(10));
        await sender.SendAsync(EventAudience.InGroup(WorkspaceId, InterestGroups.Presence), "presence:update", "change 2", CancellationToken.None);

        Assert.Equal(["sync", "change 1", "change 2"], _hub.ReceivedBy("c1"));
    }

    [Fact]
    public async Task A_connection_already_told_connected_joins_and_gets_its_sync_at_once()
    {
        var sender = new HubEventSender<PresenceHub>(_hub, RealtimeHubs.Presence, _announcements, new RecoveringConnections(NullLogger<RecoveringConnections>.Instance));

        await sender.SendAsync(EventAudience.JoinGroup(WorkspaceId, "c1", InterestGroups.Presence), "presence:update", "sync", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await sender.SendAsync(EventAudience.InGroup(WorkspaceId, InterestGroups.Presence), "presence:update", "change", CancellationToken.None);

        Assert.Equal(["sync", "change"], _hub.ReceivedBy("c1"));
        Assert.Contains("c1", _hub.MembersOf(PresenceGroup));
    }

    /// <summary>Records what each connection is sent, in order, and who is in which group.</summary>
    private sealed class RecordingHubContext : IHubContext<PresenceHub>, IHubClients, IGroupManager
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, List<object?>> _received = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _groups = new(StringComparer.Ordinal);

        public IHubClients Clients => this;

        public IGroupManager Groups => this;

        public IReadOnlyList<object?> ReceivedBy(string connectionId)
        {
            lock (_lock)
            {
                return [.. _received.GetValueOrDefault(connectionId) ?? []];
            }
        }

        public IReadOnlyCollection<string> MembersOf(string group)
        {
            lock (_lock)
            {
                return [.. _groups.GetValueOrDefault(group) ?? []];
            }
        }

        public IClientProxy Client(string connectionId) => new Proxy(this, () => [connectionId]);

        public IClientProxy Group(string groupName) => new Proxy(this, () => MembersOf(groupName));

        public IClientProxy All => throw new NotSupportedException();

        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        IClientProxy IHubClients<IClientProxy>.Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public IClientProxy User(string userId) => throw new NotSupportedException();

        public IClientProxy Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
        {
            lock (_lock)
            {
                (_groups.TryGetValue(groupName, out var members) ? members : _groups[groupName] = new(StringComparer.Ordinal)).Add(connectionId);
            }

            return Task.CompletedTask;
        }

        public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
        {
            lock (_lock)
            {
                _groups.GetValueOrDefault(groupName)?.Remove(connectionId);
            }

            return Task.CompletedTask;
        }

        private void Record(IEnumerable<string> connectionIds, object? payload)
        {
            lock (_lock)
            {
                foreach (var connectionId in connectionIds)
                {
                    (_received.TryGetValue(connectionId, out var received) ? received : _received[connectionId] = []).Add(payload);
                }
            }
        }

        private sealed class Proxy(RecordingHubContext hub, Func<IReadOnlyCollection<string>> connections) : IClientProxy
        {
            public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
            {
                hub.Record(connections(), args.Single());
                return Task.CompletedTask;
            }
        }
    }
}
