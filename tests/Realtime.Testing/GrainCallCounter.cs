using System.Collections.Concurrent;

namespace Realtime.Testing;

/// <summary>
/// Counts the calls grains of one interface take, per method, as an incoming call filter of the
/// silos it is registered in (one counter may serve every silo of a process). Measures a grain's
/// load from outside, so its interface carries nothing but what production calls.
/// </summary>
public sealed class GrainCallCounter(Type grainInterface) : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == grainInterface)
        {
            _calls.AddOrUpdate(context.MethodName, 1, (_, count) => count + 1);
        }

        await context.Invoke();
    }

    /// <summary>Calls taken so far, by method name.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_calls, StringComparer.Ordinal);

    /// <summary>Calls taken between two snapshots, by method name (methods without calls left out).</summary>
    public static IReadOnlyDictionary<string, long> Between(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.Select(a => (a.Key, Count: a.Value - before.GetValueOrDefault(a.Key)))
            .Where(a => a.Count > 0)
            .ToDictionary(a => a.Key, a => a.Count, StringComparer.Ordinal);
}
