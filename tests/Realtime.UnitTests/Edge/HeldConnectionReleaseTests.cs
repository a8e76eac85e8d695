using Microsoft.Extensions.Logging.Abstractions;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Streaming;

namespace Realtime.UnitTests.Edge;

/// <summary>
/// A held connection going live while its workspace's events keep coming: each event sent to its
/// group reaches it exactly once, whether it is kept for it or comes through the group, however
/// the send and the release interleave.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class HeldConnectionReleaseTests
{
    private const string WorkspaceId = "w1";
    private const int Rounds = 3000;

    private static readonly HashSet<string> WorkspaceGroup = new(StringComparer.Ordinal) { EdgeGroups.Workspace(WorkspaceId) };

    private readonly RecordingHubContext _hub = new();
    private readonly RecoveringConnections _recovering = new(NullLogger<RecoveringConnections>.Instance);

    [Fact]
    public async Task A_group_send_racing_the_release_reaches_the_connection_once()
    {
        var sender = new HubEventSender<PresenceHub>(_hub, RealtimeHubs.Realtime, new ConnectionAnnouncements(TimeProvider.System), _recovering);
        using var start = new Barrier(2);
        for (var round = 0; round < Rounds; round++)
        {
            var connectionId = $"c{round}";
            var held = _recovering.Hold(RealtimeHubs.Realtime, WorkspaceId, WorkspaceGroup, connectionId);
            var release = Task.Run(() =>
            {
                start.SignalAndWait();
                return _recovering.GoLiveAsync(held, _hub.Groups, _hub.Clients.Client(connectionId), static _ => true);
            });
            var send = Task.Run(() =>
            {
                start.SignalAndWait();
                return sender.SendAsync(EventAudience.Workspace(WorkspaceId), "test:event", round, CancellationToken.None);
            });
            await Task.WhenAll(release, send).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal([round], _hub.ReceivedBy(connectionId));
            await _hub.Groups.RemoveFromGroupAsync(connectionId, EdgeGroups.Workspace(WorkspaceId));
        }
    }
}
