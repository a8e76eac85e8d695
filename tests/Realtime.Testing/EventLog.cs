namespace Realtime.Testing;

/// <summary>A thread-safe list of received items that tests can wait on.</summary>
public sealed class EventLog<T>
{
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = NewSignal();

    public IReadOnlyList<T> Snapshot()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource signal;
        lock (_items)
        {
            _items.Add(item);
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Waits for the first item matching <paramref name="match"/>, received before or after the call.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, string because, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_items)
            {
                foreach (var item in _items)
                {
                    if (match(item))
                    {
                        return item;
                    }
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {because}; received: {string.Join(" | ", Snapshot())}");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
