using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;

namespace Realtime.UnitTests.Telemetry;

/// <summary>Metric tags come from fixed sets, so no caller can turn ids into series.</summary>
[Trait("Kind", "Unit")]
public sealed class MetricTagsTests
{
    [Theory]
    [InlineData(RealtimeEvents.PresenceUpdate, RealtimeEvents.PresenceUpdate)]
    [InlineData(RealtimeEvents.Notification, RealtimeEvents.Notification)]
    [InlineData(RealtimeEvents.NotificationCatchUp, RealtimeEvents.NotificationCatchUp)]
    [InlineData("user-42 did something", MetricTags.Other)]
    public void Event_names_outside_the_contract_are_reported_as_other(string eventName, string tag) =>
        Assert.Equal(tag, MetricTags.EventNameOf(eventName));

    [Fact]
    public void Hub_names_are_the_hub_paths_and_nothing_else()
    {
        Assert.Equal("realtime", MetricTags.HubName(RealtimeHubs.Realtime));
        Assert.Equal("notifications", MetricTags.HubName(RealtimeHubs.Notifications));
        Assert.Equal("presence", MetricTags.HubName("presence"));
        Assert.Equal(MetricTags.Other, MetricTags.HubName("ws/acme"));
        Assert.Equal(MetricTags.Other, MetricTags.HubName(RealtimeHubs.Realtime | RealtimeHubs.Presence));
    }
}
