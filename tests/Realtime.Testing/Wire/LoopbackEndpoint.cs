using System.Net;

namespace Realtime.Testing.Wire;

/// <summary>Where load goes: loopback only, so that the tool can never be pointed at someone else's server.</summary>
public static class LoopbackEndpoint
{
    public static IPEndPoint Parse(Uri server)
    {
        if (!IPAddress.TryParse(server.Host == "localhost" ? "127.0.0.1" : server.Host, out var address) || !IsLoopbackV4(address))
        {
            throw new ArgumentException($"Refusing {server}: the load test only targets 127.x.x.x addresses.");
        }

        return new IPEndPoint(address, server.Port);
    }

    /// <summary>Source address of client <paramref name="index"/>: 127.0.0.(2+i mod n), spreading ephemeral ports over n addresses.</summary>
    public static IPAddress? SourceAddress(int index, int addresses) =>
        addresses <= 1 ? null : new IPAddress(new byte[] { 127, 0, 0, (byte)(2 + (index % Math.Min(addresses, 250))) });

    public static bool IsLoopbackV4(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes()[0] == 127;
}
