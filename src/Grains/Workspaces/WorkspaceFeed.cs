using Realtime.Grains.Streaming;

namespace Realtime.Grains.Workspaces;

/// <summary>What a workspace does for an edge that missed one of its events.</summary>
public enum FeedRepair
{
    /// <summary>Nothing: a transient signal (typing, activity) that is not worth sending late.</summary>
    None,

    /// <summary>Send the event again as it was (broadcasts).</summary>
    Replay,

    /// <summary>Send the current presence of the users it was about (and the summary in a large workspace).</summary>
    Presence,

    /// <summary>Send the joining connections it was for the current presence, joining them to the presence audience.</summary>
    Join,
}

/// <summary>
/// One kept event: enough to repair it for an edge that missed it. <see cref="Subjects"/> are the
/// users (<see cref="FeedRepair.Presence"/>) or connections (<see cref="FeedRepair.Join"/>) it was
/// about; <see cref="EdgeId"/> the one edge it went to, null when it went to the workspace's edges;
/// <see cref="Event"/> is kept for <see cref="FeedRepair.Replay"/> only. A broadcast sent while no
/// edge held a connection (<see cref="ToEdges"/> false) is kept for clients recovering a
/// position, never repaired to an edge.
/// </summary>
public sealed record FeedEntry(
    long Sequence,
    DateTimeOffset At,
    FeedRepair Repair,
    EdgeEvent? Event,
    IReadOnlyList<string> Subjects,
    string? EdgeId,
    int Bytes,
    bool ToEdges = true);

/// <summary>
/// The workspace's events in order, numbered, each copy linked to the previous event its edge
/// was sent, so an edge sees a gap when an event is lost on the way (a stream queue that died
/// with its silo) and asks for what it missed. Recent events are kept, bounded by
/// <see cref="RecoveryOptions"/> in age, count and payload bytes. The epoch is new with each
/// activation: an edge holding an older one knows the history it had is gone.
/// </summary>
/// <remarks>Each change of the kept entries' bytes is told to <c>bytesChanged</c>, for the silo's total.</remarks>
public sealed class WorkspaceFeed(string workspaceId, RecoveryOptions options, TimeProvider timeProvider, Action<long>? bytesChanged = null)
{
    /// <summary>A rough size of an entry without its payload, for the byte bound.</summary>
    private const int EntryOverhead = 96;

    private readonly Dictionary<string, long> _lastSentTo = new(StringComparer.Ordinal);
    private readonly Queue<FeedEntry> _entries = new();
    private long _sequence;
    private long _forgotten;
    private long _forgottenByAge = -1;
    private long _bytes;

    public long Epoch { get; } = Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>The sequence the next event will have, for writing it down before it is sent.</summary>
    public long NextSequence => _sequence + 1;

    /// <summary>Kept entries and their approximate bytes: what the feed costs the workspace.</summary>
    public (int Entries, long Bytes) Size => (_entries.Count, _bytes);

    /// <summary>
    /// Numbers the event, keeps what its repair needs, and returns one copy per edge carrying its
    /// position. A <see cref="FeedRepair.Join"/> goes to exactly one edge.
    /// </summary>
    public List<(string EdgeId, EdgeEvent Event)> Append(IReadOnlyCollection<string> edgeIds, EdgeEvent evt, FeedRepair repair, IReadOnlyList<string>? subjects = null)
    {
        var sequence = ++_sequence;
        // A joining connection's snapshot carries none: it waits for its connection's `connected`, so
        // events after it may overtake it, and a client's last position must never go back.
        if (repair is FeedRepair.Replay or FeedRepair.Presence)
        {
            evt = Stamped(evt, new RecoveryPosition(workspaceId, Epoch, sequence).ToString());
        }

        var copies = new List<(string, EdgeEvent)>(edgeIds.Count);
        foreach (var edgeId in edgeIds)
        {
            var previous = _lastSentTo.GetValueOrDefault(edgeId);
            _lastSentTo[edgeId] = sequence;
            copies.Add((edgeId, evt with { Position = new FeedPosition(workspaceId, Epoch, sequence, previous) }));
        }

        // Broadcasts are kept with no edge to send them to as well: a client away from every edge
        // recovers them when it comes back.
        if (repair == FeedRepair.Replay || (repair != FeedRepair.None && edgeIds.Count > 0))
        {
            var bytes = EntryOverhead + (repair == FeedRepair.Replay ? PayloadBytes(evt) : 0);
            Keep(new FeedEntry(sequence, timeProvider.GetUtcNow(), repair, repair == FeedRepair.Replay ? evt : null, subjects ?? [], repair == FeedRepair.Join ? edgeIds.Single() : null, bytes, ToEdges: edgeIds.Count > 0));
        }

        return copies;
    }

    /// <summary>The last event sent to the edge (sequence 0: none in this epoch).</summary>
    public FeedHead HeadFor(string edgeId) => new(Epoch, _lastSentTo.GetValueOrDefault(edgeId));

    /// <summary>
    /// Whether the kept entries reach back to <paramref name="afterSequence"/> of <paramref name="epoch"/>:
    /// false for another epoch, or when entries after that point were already dropped.
    /// </summary>
    public bool Reaches(long epoch, long afterSequence)
    {
        Trim();
        return epoch == Epoch && afterSequence >= _forgotten;
    }

    /// <summary>The kept entries sent to the edge after <paramref name="afterSequence"/> up to <paramref name="throughSequence"/>, in order.</summary>
    public List<FeedEntry> Kept(string edgeId, long afterSequence, long throughSequence)
    {
        Trim();
        var last = Math.Min(throughSequence, _lastSentTo.GetValueOrDefault(edgeId));
        return _entries
            .Where(e => e.ToEdges && e.Sequence > afterSequence && e.Sequence <= last && (e.EdgeId is null || e.EdgeId == edgeId))
            .ToList();
    }

    /// <summary>The position of the feed's last event: a snapshot read now is followed by what comes after it.</summary>
    public RecoveryPosition Head => new(workspaceId, Epoch, _sequence);

    /// <summary>
    /// Whether everything after a client's position is still kept: false for another epoch, a
    /// position past the feed's end, entries after it already dropped, or a position older than
    /// the window (the client was away too long).
    /// </summary>
    public bool CanRecover(long epoch, long afterSequence) =>
        afterSequence >= 0 && afterSequence <= _sequence && Reaches(epoch, afterSequence) && afterSequence > _forgottenByAge;

    /// <summary>
    /// The kept events that are replayed as sent (broadcasts, inbox events) after a client's
    /// position, in order, up to the feed's last sequence; null when <see cref="CanRecover"/> is not.
    /// </summary>
    public (long Through, List<EdgeEvent> Events)? ReplayableAfter(long epoch, long afterSequence) =>
        CanRecover(epoch, afterSequence)
            ? (_sequence, _entries.Where(e => e.Repair == FeedRepair.Replay && e.Sequence > afterSequence).Select(e => e.Event!).ToList())
            : null;

    /// <summary>The edge is gone (its lease lapsed): it starts afresh if it comes back.</summary>
    public void ForgetEdge(string edgeId) => _lastSentTo.Remove(edgeId);

    /// <summary>
    /// Presence payloads carry the event's position, the same for every receiver (a broadcast's JSON
    /// was stamped before it was written to the broadcast log).
    /// </summary>
    private static EdgeEvent Stamped(EdgeEvent evt, string position)
    {
        if (!evt.Deliveries.Any(d => d.Payload is IRecoverablePayload))
        {
            return evt;
        }

        // A payload shared by several deliveries (they list it one after another) stays one object:
        // the edge serializes it once.
        object? original = null, stamped = null;
        return evt with
        {
            Deliveries = [.. evt.Deliveries.Select(d =>
            {
                if (d.Payload is not IRecoverablePayload payload)
                {
                    return d;
                }

                if (!ReferenceEquals(payload, original))
                {
                    (original, stamped) = (payload, payload.WithRecoveryPosition(position));
                }

                return d with { Payload = stamped! };
            })],
        };
    }

    private static int PayloadBytes(EdgeEvent evt) =>
        evt.Deliveries.Select(d => d.Payload).Distinct(ReferenceEqualityComparer.Instance).Sum(payload => payload switch
        {
            Notifications.RawJson json => json.Json.Length,
            Inbox.InboxMessage message => EntryOverhead + (2 * message.Content.Length) + (message.Data?.Json.Length ?? 0),
            _ => EntryOverhead,
        });

    private void Keep(FeedEntry entry)
    {
        _entries.Enqueue(entry);
        _bytes += entry.Bytes;
        bytesChanged?.Invoke(entry.Bytes);
        Trim();
    }

    private void Trim()
    {
        var oldest = timeProvider.GetUtcNow() - options.Window;
        while (_entries.TryPeek(out var first)
            && (_entries.Count > options.WorkspaceEvents || _bytes > options.WorkspaceBytes || first.At < oldest))
        {
            _entries.Dequeue();
            _bytes -= first.Bytes;
            bytesChanged?.Invoke(-first.Bytes);
            _forgotten = first.Sequence;
            if (first.At < oldest)
            {
                _forgottenByAge = first.Sequence;
            }
        }
    }
}
