using System.Collections.Concurrent;

namespace Realtime.EdgeGateway.Presence;

/// <summary>
/// The connections of this edge that are registered with their presence grain but not yet told
/// <c>connected</c>. A hub sends <c>connected</c> only once its workspace knows this edge holds the
/// connection, so that every event published after a client saw <c>connected</c> reaches it. The
/// workspace's presence sync for the connection, which that registration sets off, may come back
/// through the edge stream first: its delivery waits here so that <c>connected</c> stays the
/// connection's first event.
/// </summary>
public sealed class ConnectionAnnouncements(TimeProvider time)
{
    /// <summary>
    /// How long a delivery waits for <c>connected</c> at most. The hub announces every connection it
    /// registers, once told or once failed, and the wait holds up only this one delivery (the stream
    /// goes on), so this is a backstop: as long as a grain call may take (a silo lost mid-call, a
    /// workspace reactivating under load), never so short that the sync overtakes <c>connected</c>.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new(StringComparer.Ordinal);

    /// <summary>Marks the connection as registering: deliveries to it wait until <see cref="Announced"/>.</summary>
    public void Registering(string connectionId) =>
        _pending[connectionId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The connection was told <c>connected</c>, or its registration failed: nothing waits for it any more.</summary>
    public void Announced(string connectionId)
    {
        if (_pending.TryRemove(connectionId, out var announced))
        {
            announced.TrySetResult();
        }
    }

    /// <summary>Whether the connection is registered but not yet told <c>connected</c>.</summary>
    public bool IsRegistering(string connectionId) => _pending.ContainsKey(connectionId);

    /// <summary>Completes when the connection has been told <c>connected</c> (at once when it is not registering), or after <see cref="MaxWait"/>.</summary>
    public async Task WhenAnnouncedAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(connectionId, out var announced))
        {
            return;
        }

        try
        {
            await announced.Task.WaitAsync(MaxWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Sent without waiting longer; see MaxWait.
        }
    }
}
