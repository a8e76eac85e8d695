using System.Text.Json;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Streaming;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// An event addressed to one connection with a group (<see cref="EventAudience.JoinGroup"/>)
/// enrols it in that group on the edge: it gets that event and every later one to the group, and
/// nothing sent to the group before. This is how a joining connection gets presence changes only
/// from its own presence sync on, over a real socket.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class GroupEnrolmentTests(EmbeddedSystemFixture fixture)
{
    private const string EventName = "test:enrolment";

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_connection_gets_group_events_from_the_one_that_enrols_it_on()
    {
        var system = fixture.System;
        var token = system.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5));
        await using var client = await TestClient.ConnectAsync(system.EdgeUrls[0], token, _workspaceId, "/presence");
        client.Record(EventName);
        var connected = await client.Events.WaitForAsync(e => e.Name == "connected", "the connected event");
        var connectionId = connected.Payload.GetProperty("connectionId").GetString()!;
        var group = InterestGroups.Resource("post", $"post-{Guid.NewGuid():N}");
        var dispatcher = system.EdgeService<EdgeEventDispatcher>();

        await dispatcher.DispatchAsync(Event(EventAudience.InGroup(_workspaceId, group), seq: 1));
        await dispatcher.DispatchAsync(Event(EventAudience.JoinGroup(_workspaceId, connectionId, group), seq: 2));
        await dispatcher.DispatchAsync(Event(EventAudience.InGroup(_workspaceId, group), seq: 3));

        await client.Events.WaitForAsync(e => e.Name == EventName && Seq(e.Payload) == 3, "the group event after the enrolment");
        Assert.Equal([2, 3], client.Events.Snapshot().Where(e => e.Name == EventName).Select(e => Seq(e.Payload)));
    }

    private static EdgeEvent Event(EventAudience audience, int seq) =>
        EdgeEvent.To(RealtimeHubs.Presence, audience, EventName, new Dictionary<string, int> { ["seq"] = seq }, DateTimeOffset.UtcNow);

    private static int Seq(JsonElement payload) => payload.GetProperty("seq").GetInt32();
}
