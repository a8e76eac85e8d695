using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Realtime.EdgeGateway.Protocols;

/// <summary>
/// A hub protocol, under its own name, that lets an <see cref="OptionalPayloadMethods"/> method be invoked
/// with no arguments: SignalR's protocols bind arguments by exact count and would refuse the call.
/// Writing, and every other message, is the inner protocol's.
/// </summary>
public sealed class OptionalPayloadHubProtocol(IHubProtocol inner, OptionalPayloadMethods methods) : IHubProtocol
{
    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        // A copy of the view, not of the bytes: the buffer stays valid until the caller advances past the message.
        var frame = input;
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            // A whole message of an unknown type was read (SignalR's protocols skip those for future
            // versions) but reported as "need more bytes": with MaximumReceiveMessageSize set, SignalR
            // then never moves past it and the connection hangs. Reported as a ping, it is skipped.
            if (input.Length < frame.Length)
            {
                message = PingMessage.Instance;
                return true;
            }

            return false;
        }

        // Only a failed binding is retried, so a call with its payload costs nothing extra.
        if (message is InvocationBindingFailureMessage failure
            && methods.Contains(failure.Target)
            && inner.TryParseMessage(ref frame, new NoArgumentsBinder(binder), out var bare)
            && bare is InvocationMessage { Arguments.Length: 0 } invocation)
        {
            message = new InvocationMessage(invocation.InvocationId, invocation.Target, [null], invocation.StreamIds)
            {
                Headers = invocation.Headers,
            };
        }

        return true;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);
}
