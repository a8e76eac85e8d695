using Orleans.Streams;
using Orleans.Streams.PubSub;

namespace Realtime.Grains.Streaming;

/// <summary>
/// Removes every subscription to an edge's stream from PubSubStore. An edge that dies cannot
/// unsubscribe itself; without this its record would stay in storage and the pulling agents
/// would keep trying to deliver to it.
/// </summary>
public static class EdgeStreamCleanup
{
    /// <summary>Returns how many subscriptions were removed.</summary>
    public static async Task<int> RemoveSubscriptionsAsync(IStreamProvider provider, string edgeId)
    {
        if (!provider.TryGetStreamSubscriptionManager(out var manager))
        {
            return 0;
        }

        var streamId = StreamNames.ForEdge(edgeId);
        var subscriptions = (await manager.GetSubscriptions(StreamNames.Provider, streamId)).ToList();
        foreach (var subscription in subscriptions)
        {
            await manager.RemoveSubscription(StreamNames.Provider, streamId, subscription.SubscriptionId);
        }

        return subscriptions.Count;
    }
}
