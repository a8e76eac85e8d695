using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;

namespace Realtime.TestFixtures;

/// <summary>Reading edge events in grain tests.</summary>
public static class EdgeEvents
{
    /// <summary>The presence of <paramref name="userId"/> in a presence:update, or null.</summary>
    public static UserPresence? UpdateFor(this EdgeEvent evt, string userId) =>
        evt.EventName == RealtimeEvents.PresenceUpdate
            ? evt.Deliveries.Select(d => d.Payload).OfType<WorkspacePresence>().SelectMany(p => p.Users).FirstOrDefault(u => u.UserId == userId)
            : null;

    public static IEnumerable<T> Payloads<T>(this EdgeEvent evt, string eventName) =>
        evt.EventName == eventName ? evt.Deliveries.Select(d => d.Payload).OfType<T>() : [];
}
