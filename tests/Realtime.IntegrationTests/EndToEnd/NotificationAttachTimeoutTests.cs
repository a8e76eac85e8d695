using Realtime.EdgeGateway.Notifications;
using Realtime.Grains.Notifications;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// A /notifications connection whose attach barrier was lost (its stream message died with a
/// silo) attaches again after Edge:NotificationAttachTimeout, and gets what it missed meanwhile.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class NotificationAttachTimeoutTests(EmbeddedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task A_connection_whose_barrier_never_came_gets_every_notification_once_in_order()
    {
        var token = System.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
        await using var client = await TestClient.ConnectAsync(System.EdgeUrls[0], token, _workspaceId, "/notifications");
        await client.Events.WaitForAsync(e => e.Name == "notification:unread", "the connection going live");

        // What attaching again does, without the barrier that would follow: the connection waits.
        System.EdgeService<NotificationConnections>().Get(client.Connection.ConnectionId!)!.Suspend();
        var service = new NotificationService(System.SiloService<IGrainFactory>());
        var sent = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            sent.Add((await service.SendNotification("alice", _workspaceId, "mention", $"n{i}", "while waiting")).Id);
        }

        await client.Events.WaitForAsync(
            e => e.Name == "notification" && e.Payload.GetProperty("id").GetString() == sent[^1],
            "the last notification, after the attach timeout",
            TimeSpan.FromSeconds(30));
        var received = client.Events.Snapshot().Where(e => e.Name == "notification").Select(e => e.Payload.GetProperty("id").GetString()!).ToList();
        Assert.Equal(sent, received);
    }
}
