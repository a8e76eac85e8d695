using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Realtime.EdgeGateway.Delivery;

/// <summary>
/// One hub message on its way to an audience: one complete WebSocket frame per protocol present,
/// and the stock serialized form for connections without a direct writer, each built on first
/// use. Safe to use from the parallel chunks of one fan-out.
/// </summary>
public sealed class OutgoingMessage(HubMessage message)
{
    private readonly Lock _building = new();
    private ProtocolFrame? _first;
    private Dictionary<IHubProtocol, byte[]>? _more;
    private SerializedHubMessage? _serialized;

    public SerializedHubMessage Serialized
    {
        get
        {
            if (Volatile.Read(ref _serialized) is { } serialized)
            {
                return serialized;
            }

            lock (_building)
            {
                return _serialized ??= new SerializedHubMessage(message);
            }
        }
    }

    public byte[] FrameFor(IHubProtocol protocol)
    {
        // Nearly every audience speaks one protocol: that frame is read without the lock.
        if (Volatile.Read(ref _first) is { } first && ReferenceEquals(first.Protocol, protocol))
        {
            return first.Frame;
        }

        lock (_building)
        {
            if (_first is null)
            {
                var frame = Build(protocol);
                Volatile.Write(ref _first, new ProtocolFrame(protocol, frame));
                return frame;
            }

            if (ReferenceEquals(_first.Protocol, protocol))
            {
                return _first.Frame;
            }

            _more ??= new(ReferenceEqualityComparer.Instance);
            if (!_more.TryGetValue(protocol, out var known))
            {
                known = Build(protocol);
                _more[protocol] = known;
            }

            return known;
        }
    }

    private byte[] Build(IHubProtocol protocol)
    {
        var opcode = protocol.TransferFormat == TransferFormat.Text ? WebSocketFrame.TextOpcode : WebSocketFrame.BinaryOpcode;
        return WebSocketFrame.Build(opcode, protocol.GetMessageBytes(message).Span);
    }

    private sealed record ProtocolFrame(IHubProtocol Protocol, byte[] Frame);
}
