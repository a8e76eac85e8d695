using System.Collections.Concurrent;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>Outcomes counted per category, and every outcome a case did not allow.</summary>
public sealed class OutcomeTally
{
    private readonly ConcurrentDictionary<(string Category, ReplyKind Kind), int> _counts = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private int _cases;

    public int Cases => _cases;

    public IReadOnlyList<string> Failures => [.. _failures];

    public void Add(string category, HubReply reply, bool allowed, string describe)
    {
        Interlocked.Increment(ref _cases);
        _counts.AddOrUpdate((category, reply.Kind), 1, (_, n) => n + 1);
        if (!allowed)
        {
            _failures.Enqueue($"{describe} -> {reply}");
        }
    }

    public int Count(ReplyKind kind) => _counts.Where(c => c.Key.Kind == kind).Sum(c => c.Value);

    /// <summary>One line per category: "category: HubError 12, Closed 3, ...", then the totals.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var category in _counts.Keys.Select(k => k.Category).Distinct().Order(StringComparer.Ordinal))
        {
            yield return $"{category,-22} " + string.Join(", ", Enum.GetValues<ReplyKind>()
                .Select(kind => (kind, n: _counts.GetValueOrDefault((category, kind))))
                .Where(x => x.n > 0)
                .Select(x => $"{x.kind} {x.n}"));
        }

        yield return $"{"total",-22} {_cases} cases: " + string.Join(", ", Enum.GetValues<ReplyKind>().Select(k => $"{k} {Count(k)}"));
    }
}
