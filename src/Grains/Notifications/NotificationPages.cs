using Orleans.Storage;

namespace Realtime.Grains.Notifications;

/// <summary>
/// One user's notifications in memory, oldest first, stored in pages of <see cref="PageSize"/>
/// consecutive sequences, each page a record of its own in the grain's storage provider (Redis
/// or memory, as configured). A change marks its page; a save writes only the marked pages, so
/// the cost of accepting or reading one notification does not grow with the number kept.
/// </summary>
public sealed class NotificationPages(IGrainStorage storage, GrainId owner)
{
    /// <summary>Small enough that a page write costs about what a short list did, large enough that 10,000 kept load in a few hundred reads.</summary>
    public const int PageSize = 16;

    private readonly SortedDictionary<long, GrainState<StoredNotificationPage>> _records = [];
    private readonly SortedSet<long> _dirty = [];
    private readonly List<StoredNotification> _items = [];

    /// <summary>The notifications kept, oldest first.</summary>
    public IReadOnlyList<StoredNotification> Items => _items;

    public int Unread { get; private set; }

    /// <summary>The pages holding notifications, ascending, as of the last save.</summary>
    public List<long> Pages => [.. _records.Keys];

    public static long PageOf(long sequence) => (sequence - 1) / PageSize;

    /// <summary>Reads the given pages (the index's list).</summary>
    public async Task LoadAsync(IEnumerable<long> pages)
    {
        var read = await Task.WhenAll(pages.Select(async page =>
        {
            var record = new GrainState<StoredNotificationPage>(new StoredNotificationPage());
            await storage.ReadStateAsync(RecordName(page), owner, record);
            return (Page: page, Record: record);
        }));
        foreach (var (page, record) in read)
        {
            _records[page] = record;
            _items.AddRange(record.State?.Items ?? []);
        }

        _items.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        Unread = _items.Count(i => !i.Notification.Read);
    }

    /// <summary>Takes notifications kept the way earlier versions did (one list): all their pages get written at the next save.</summary>
    public void Adopt(IEnumerable<StoredNotification> items)
    {
        foreach (var item in items.OrderBy(i => i.Sequence))
        {
            Append(item);
        }
    }

    /// <summary>Adds a notification newer than every one kept.</summary>
    public void Append(StoredNotification item)
    {
        _items.Add(item);
        Unread += item.Notification.Read ? 0 : 1;
        _dirty.Add(PageOf(item.Sequence));
    }

    /// <summary>The index of the notification of <paramref name="sequence"/>, or a negative number.</summary>
    public int IndexOf(long sequence) => BinarySearch(sequence);

    /// <summary>Marks the notification at <paramref name="index"/> read; false if it already was.</summary>
    public bool MarkRead(int index)
    {
        var item = _items[index];
        if (item.Notification.Read)
        {
            return false;
        }

        _items[index] = item with { Notification = item.Notification with { Read = true } };
        Unread--;
        _dirty.Add(PageOf(item.Sequence));
        return true;
    }

    public void RemoveAt(int index)
    {
        var item = _items[index];
        _items.RemoveAt(index);
        Unread -= item.Notification.Read ? 0 : 1;
        _dirty.Add(PageOf(item.Sequence));
    }

    /// <summary>The notifications with a sequence in (<paramref name="after"/>, <paramref name="through"/>], oldest first.</summary>
    public List<Notification> Between(long after, long through)
    {
        var result = new List<Notification>();
        for (var i = FirstIndexAfter(after); i < _items.Count && _items[i].Sequence <= through; i++)
        {
            result.Add(_items[i].Notification);
        }

        return result;
    }

    /// <summary>
    /// Writes every page changed since the last save; a page left empty is cleared. True when a
    /// page came or went, so <see cref="Pages"/> changed and the index that lists them must be written.
    /// </summary>
    public async Task<bool> SaveAsync()
    {
        if (_dirty.Count == 0)
        {
            return false;
        }

        var pageCameOrWent = false;
        var writes = new List<Task>(_dirty.Count);
        foreach (var page in _dirty)
        {
            var first = FirstIndexAfter(page * PageSize);
            var last = FirstIndexAfter((page + 1) * PageSize);
            var record = _records.TryGetValue(page, out var existing) ? existing : new GrainState<StoredNotificationPage>(new StoredNotificationPage());
            if (last == first)
            {
                if (existing is not null)
                {
                    pageCameOrWent = true;
                    _records.Remove(page);
                    writes.Add(storage.ClearStateAsync(RecordName(page), owner, record));
                }

                continue;
            }

            record.State = new StoredNotificationPage { Items = _items.GetRange(first, last - first) };
            pageCameOrWent |= existing is null;
            _records[page] = record;
            writes.Add(storage.WriteStateAsync(RecordName(page), owner, record));
        }

        // Marks stay until every write succeeded: a failed save is tried again by the next one.
        await Task.WhenAll(writes);
        _dirty.Clear();
        return pageCameOrWent;
    }

    private static string RecordName(long page) => $"notifications.page.{page}";

    /// <summary>The index of the first notification with a sequence above <paramref name="sequence"/>.</summary>
    private int FirstIndexAfter(long sequence)
    {
        var index = BinarySearch(sequence + 1);
        return index >= 0 ? index : ~index;
    }

    private int BinarySearch(long sequence)
    {
        int low = 0, high = _items.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var found = _items[middle].Sequence;
            if (found == sequence)
            {
                return middle;
            }

            if (found < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
