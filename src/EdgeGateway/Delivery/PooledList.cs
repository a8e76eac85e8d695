using System.Buffers;

namespace Realtime.EdgeGateway.Delivery;

/// <summary>
/// A snapshot of an enumeration in a pooled array, for one fan-out: an audience of 10,000 would
/// otherwise allocate a large-object-heap array per message.
/// </summary>
public sealed class PooledList<T> : IDisposable
    where T : class
{
    private T[] _items = ArrayPool<T>.Shared.Rent(64);

    public int Count { get; private set; }

    public ReadOnlySpan<T> Span => _items.AsSpan(0, Count);

    public static PooledList<T> From(IEnumerable<T> source)
    {
        var list = new PooledList<T>();
        foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    public void Dispose()
    {
        // Cleared so the pool does not keep connections alive.
        _items.AsSpan(0, Count).Clear();
        ArrayPool<T>.Shared.Return(_items);
        _items = [];
        Count = 0;
    }

    private void Add(T item)
    {
        if (Count == _items.Length)
        {
            var larger = ArrayPool<T>.Shared.Rent(_items.Length * 2);
            _items.AsSpan(0, Count).CopyTo(larger);
            _items.AsSpan(0, Count).Clear();
            ArrayPool<T>.Shared.Return(_items);
            _items = larger;
        }

        _items[Count++] = item;
    }
}
