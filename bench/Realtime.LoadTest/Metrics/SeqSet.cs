namespace Realtime.LoadTest.Metrics;

/// <summary>Which sequence numbers one client received: tells a first delivery from a duplicate.</summary>
public sealed class SeqSet
{
    private ulong[] _bits = new ulong[4];

    /// <summary>True the first time <paramref name="seq"/> is added, false for a duplicate.</summary>
    public bool Add(long seq)
    {
        if (seq < 0 || seq > int.MaxValue)
        {
            return false;
        }

        var word = (int)(seq >> 6);
        if (word >= _bits.Length)
        {
            Array.Resize(ref _bits, Math.Max(word + 1, _bits.Length * 2));
        }

        var mask = 1UL << (int)(seq & 63);
        if ((_bits[word] & mask) != 0)
        {
            return false;
        }

        _bits[word] |= mask;
        return true;
    }
}
