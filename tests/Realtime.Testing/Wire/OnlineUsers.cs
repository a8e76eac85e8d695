using System.Buffers.Text;

namespace Realtime.Testing.Wire;

/// <summary>
/// Which users one client believes online, from presence:list and presence:update: a bitset over
/// the load test's user numbers ("u123" is user 123), far cheaper per client than a set of strings.
/// </summary>
public sealed class OnlineUsers(int users)
{
    private readonly ulong[] _bits = new ulong[(users + 63) / 64];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Set(ReadOnlySpan<byte> userId, bool active)
    {
        if (userId.Length < 2 || userId[0] != (byte)'u' || !Utf8Parser.TryParse(userId[1..], out int index, out var consumed)
            || consumed != userId.Length - 1 || (uint)index >= (uint)users)
        {
            return;
        }

        ref var word = ref _bits[index >> 6];
        var mask = 1UL << (index & 63);
        var wasSet = (word & mask) != 0;
        if (active && !wasSet)
        {
            word |= mask;
            Interlocked.Increment(ref _count);
        }
        else if (!active && wasSet)
        {
            word &= ~mask;
            Interlocked.Decrement(ref _count);
        }
    }

    public static bool IsActive(ReadOnlySpan<byte> status) => status.SequenceEqual("online"u8) || status.SequenceEqual("away"u8);
}
