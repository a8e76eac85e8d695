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
}
