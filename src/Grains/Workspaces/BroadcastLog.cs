using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Realtime.Grains.Workspaces;

/// <summary>
/// A workspace broadcast as written down before it was accepted: its place in the feed of the
/// activation that sent it, the edges it went to, and the event as sent.
/// </summary>
public sealed record LoggedBroadcast(
    long Epoch,
    long Sequence,
    DateTimeOffset At,
    IReadOnlyList<string> EdgeIds,
    string EventName,
    string Payload);

/// <summary>
/// Where a workspace writes its broadcasts before accepting them. The workspace's own feed keeps
/// them in the activation's memory, which dies with its silo; an activation that takes over reads
/// here what the dead one sent, for an edge whose copy died in the same crash (the old epoch's last
/// events show no gap). Bounded like the feed by <see cref="RecoveryOptions"/>: the window and the
/// event count per workspace.
/// </summary>
public interface IBroadcastLog
{
    Task AppendAsync(string workspaceId, LoggedBroadcast broadcast);

    /// <summary>The kept broadcasts of <paramref name="epoch"/> after <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<LoggedBroadcast>> ReadAsync(string workspaceId, long epoch, long afterSequence);
}

/// <summary>
/// The log in this silo's memory (Silo:Persistence Memory): an activation replaced on the same silo
/// finds its predecessor's broadcasts, as on the embedded default; a dead silo's are gone with it.
/// </summary>
public sealed class MemoryBroadcastLog(IOptions<RecoveryOptions> options, TimeProvider timeProvider) : IBroadcastLog
{
    private readonly ConcurrentDictionary<string, Queue<LoggedBroadcast>> _workspaces = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    /// <summary>Workspaces with broadcasts kept: memory follows the active ones.</summary>
    public int Workspaces => _workspaces.Count;

    public Task AppendAsync(string workspaceId, LoggedBroadcast broadcast)
    {
        var now = timeProvider.GetUtcNow();
        SweepQuietWorkspaces(now);
        while (true)
        {
            var kept = _workspaces.GetOrAdd(workspaceId, static _ => new Queue<LoggedBroadcast>());
            lock (kept)
            {
                // The sweep may have dropped this queue since it was looked up: then add to the new one.
                if (_workspaces.TryGetValue(workspaceId, out var current) && ReferenceEquals(current, kept))
                {
                    kept.Enqueue(broadcast);
                    Trim(kept, now);
                    break;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LoggedBroadcast>> ReadAsync(string workspaceId, long epoch, long afterSequence)
    {
        if (!_workspaces.TryGetValue(workspaceId, out var kept))
        {
            return Task.FromResult<IReadOnlyList<LoggedBroadcast>>([]);
        }

        lock (kept)
        {
            Trim(kept, timeProvider.GetUtcNow());
            return Task.FromResult<IReadOnlyList<LoggedBroadcast>>(kept.Where(b => b.Epoch == epoch && b.Sequence > afterSequence).ToList());
        }
    }

    private void Trim(Queue<LoggedBroadcast> kept, DateTimeOffset now)
    {
        var oldest = now - options.Value.Window;
        while (kept.TryPeek(out var first) && (kept.Count > options.Value.WorkspaceEvents || first.At < oldest))
        {
            kept.Dequeue();
        }
    }

    /// <summary>Once per window, workspaces that broadcast nothing within it are dropped: memory follows the active ones.</summary>
    private void SweepQuietWorkspaces(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + options.Value.Window).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (workspaceId, kept) in _workspaces)
        {
            lock (kept)
            {
                Trim(kept, now);
                if (kept.Count == 0)
                {
                    _workspaces.TryRemove(new KeyValuePair<string, Queue<LoggedBroadcast>>(workspaceId, kept));
                }
            }
        }
    }
}
