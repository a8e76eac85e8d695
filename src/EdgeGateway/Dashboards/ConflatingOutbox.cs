using Realtime.Grains.Dashboards;

namespace Realtime.EdgeGateway.Dashboards;

/// <summary>
/// What one connection still has to receive of dashboard updates: at most one per key, always
/// the newest. One send at a time, so a slow client only ever waits for its own socket and, when
/// updates come faster than it reads, it gets the newest values rather than a growing backlog.
/// At <c>maxPendingKeys</c> distinct keys waiting the client is hopelessly behind: the outbox
/// closes and <c>onOverflow</c> is called (the connection is aborted; on reconnect the client
/// gets the latest values again). <c>onConflated</c> is called for each update that will never be
/// sent because a newer value of its key was waiting or already sent.
/// </summary>
public sealed class ConflatingOutbox(Func<DashboardUpdate, Task> send, int maxPendingKeys, Action onOverflow, Action? onConflated = null)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, DashboardUpdate> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Dictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);
    private bool _draining;
    private bool _closed;

    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public void Enqueue(DashboardUpdate update)
    {
        bool startDrain = false, overflow = false, conflated = false;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (_sent.TryGetValue(update.Key, out var sentAt) && sentAt > update.Timestamp)
            {
                conflated = true;
            }
            else if (_pending.TryGetValue(update.Key, out var waiting))
            {
                // One of the two goes unsent, whichever is older.
                conflated = true;
                if (update.Timestamp >= waiting.Timestamp)
                {
                    _pending[update.Key] = update;
                }
            }
            else if (_pending.Count >= maxPendingKeys)
            {
                _closed = overflow = true;
                _pending.Clear();
                _order.Clear();
            }
            else
            {
                _pending[update.Key] = update;
                _order.Enqueue(update.Key);
                startDrain = !_draining;
                _draining = true;
            }
        }

        if (conflated)
        {
            onConflated?.Invoke();
        }
        else if (overflow)
        {
            onOverflow();
        }
        else if (startDrain)
        {
            _ = Task.Run(DrainAsync);
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            DashboardUpdate next;
            lock (_lock)
            {
                if (_closed || !_order.TryDequeue(out var key))
                {
                    _draining = false;
                    return;
                }

                next = _pending[key];
                _pending.Remove(key);
                _sent[key] = next.Timestamp;
            }

            try
            {
                await send(next);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The connection is gone; nothing more will be sent to it.
                lock (_lock)
                {
                    _closed = true;
                    _draining = false;
                }

                return;
            }
        }
    }
}
