using Realtime.Grains;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.Grains;

/// <summary>
/// How presence fans out as a workspace grows, with low thresholds (immediate up to 3 active
/// members, summaries above 6): one update each while small, batches while medium, and above the
/// threshold a summary for everyone plus each change only to the interest groups that want it.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(SmallThresholdClusterCollection.Name)]
public sealed class LargeWorkspaceTests(SmallThresholdClusterFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private IClusterClient Client => fixture.Cluster.Client;

    [Fact]
    public async Task Joins_go_out_alone_while_small_then_batched()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var users = Enumerable.Range(1, SmallThresholdClusterFixture.SummaryThreshold).Select(i => $"u{i}").ToList();

        foreach (var user in users)
        {
            await PresenceOf(user).Connect(new EdgeConnection($"{user}-c", edge.EdgeId));
        }

        await edge.Events.WaitForAsync(e => e.UpdateFor(users[^1]) is not null && e.Deliveries[0].Audience.ConnectionId is null, "the last join");
        var updates = edge.Events.Snapshot().Where(e => e.EventName == RealtimeEvents.PresenceUpdate && e.Deliveries[0].Audience.ConnectionId is null).ToList();
        var sizes = updates.Select(e => ((WorkspacePresence)Assert.Single(e.Deliveries).Payload).Users.Count).ToList();

        // The first joins (up to the immediate limit) each go out alone, the rest in fewer, larger batches.
        Assert.Equal([1, 1, 1], sizes.Take(SmallThresholdClusterFixture.ImmediateBroadcastLimit));
        Assert.True(updates.Count < users.Count, $"expected batching, got {updates.Count} updates for {users.Count} joins");
        Assert.Equal(users.Count, sizes.Sum());
        Assert.DoesNotContain(edge.Events.Snapshot(), e => e.EventName == RealtimeEvents.PresenceSummary && e.Deliveries[0].Audience.ConnectionId is null);
    }

    [Fact]
    public async Task Above_the_threshold_everyone_gets_summaries_and_changes_go_to_interest_groups()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var users = Enumerable.Range(1, SmallThresholdClusterFixture.SummaryThreshold + 3).Select(i => $"u{i:D2}").ToList();
        foreach (var user in users)
        {
            await PresenceOf(user).Connect(new EdgeConnection($"{user}-c", edge.EdgeId));
        }

        // The newest connection learns the current summary, addressed to it alone.
        var joinSync = await edge.Events.WaitForAsync(e => e.Deliveries.Any(d => d.Audience.ConnectionId == $"{users[^1]}-c"), "the last join's sync");
        Assert.Equal(new PresenceSummary(_workspaceId, users.Count, 0, users.Count), Assert.IsType<PresenceSummary>(Assert.Single(joinSync.Deliveries, d => d.Audience.ConnectionId == $"{users[^1]}-c").Payload) with { RecoveryPosition = null });
        var summary = await edge.Events.WaitForAsync(
            e => e.Payloads<PresenceSummary>(RealtimeEvents.PresenceSummary).Any(s => s.Online == users.Count) && e.Deliveries[0].Audience.ConnectionId is null,
            "a summary with every user online");
        Assert.Equal(EventAudience.InGroup(_workspaceId, InterestGroups.Presence), Assert.Single(summary.Deliveries).Audience);

        await PresenceOf(users[0]).SetActivity(PresenceActivity.Editing, "post-7", "post", $"{users[0]}-c");
        await PresenceOf(users[1]).Navigate("/reports");

        var pageChange = await edge.Events.WaitForAsync(e => e.UpdateFor(users[1])?.CurrentPage == "/reports", "the page change");
        var audience = Assert.Single(pageChange.Deliveries, d => ((WorkspacePresence)d.Payload).Users[0].UserId == users[1]).Audience;
        Assert.Equal(EventAudience.InGroup(_workspaceId, InterestGroups.WatchersOf(users[1])), audience);

        var activity = await edge.Events.WaitForAsync(e => e.Payloads<ActivityEvent>(RealtimeEvents.PresenceActivity).Any(), "the activity");
        Assert.Equal(
            [InterestGroups.Resource("post", "post-7"), InterestGroups.WatchersOf(users[0])],
            activity.Deliveries.Select(d => d.Audience.Group));

        // Above the threshold no change ever went to the whole workspace, only summaries did.
        var afterThreshold = edge.Events.Snapshot().SkipWhile(e => e.EventName != RealtimeEvents.PresenceSummary);
        Assert.All(
            afterThreshold.Where(e => e.EventName != RealtimeEvents.PresenceSummary).SelectMany(e => e.Deliveries),
            d => Assert.True(d.Audience.Group is not null || d.Audience.ConnectionId is not null, $"{d.Audience} is neither an interest group nor one joining connection"));
    }

    [Fact]
    public async Task Each_join_gets_one_sync_that_enrols_it_and_joins_while_busy_share_a_message()
    {
        await using var edge = await EdgeStreamProbe.SubscribeAsync(Client);
        var users = Enumerable.Range(1, SmallThresholdClusterFixture.SummaryThreshold + 3).Select(i => $"u{i:D2}").ToList();
        var connections = users.Select(u => $"{u}-c").ToList();

        // The first joins one by one (changes go out at once), the rest together while a batch is pending.
        var small = SmallThresholdClusterFixture.ImmediateBroadcastLimit;
        foreach (var user in users.Take(small))
        {
            await PresenceOf(user).Connect(new EdgeConnection($"{user}-c", edge.EdgeId));
        }

        await Task.WhenAll(users.Skip(small).Select(user => PresenceOf(user).Connect(new EdgeConnection($"{user}-c", edge.EdgeId))));

        // Evaluated as each event arrives: true once the syncs seen so far cover every connection.
        await edge.Events.WaitForAsync(
            _ => connections.All(c => edge.Events.Snapshot().Any(e => e.Deliveries.Any(d => d.Audience.ConnectionId == c))),
            "a sync for every join");
        var syncs = edge.Events.Snapshot().Where(e => e.Deliveries.Any(d => d.Audience.ConnectionId is not null)).ToList();
        var deliveries = syncs.SelectMany(e => e.Deliveries).ToList();

        // Exactly one sync per connection, each enrolling it in the presence audience of its workspace.
        Assert.Equal(connections, deliveries.Select(d => d.Audience.ConnectionId!).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.Equal(EventAudience.JoinGroup(_workspaceId, d.Audience.ConnectionId!, InterestGroups.Presence), d.Audience));
        Assert.True(syncs.Count < users.Count, $"expected the joins while busy to share a message, got {syncs.Count} sync messages for {users.Count} joins");
    }

    private IUserPresenceGrain PresenceOf(string userId) =>
        Client.GetGrain<IUserPresenceGrain>(RealtimeIds.UserInWorkspace(_workspaceId, userId));
}
