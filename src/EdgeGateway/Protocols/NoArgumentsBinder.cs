using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Protocols;

/// <summary>The connection's binder, except that every target takes no arguments: used to re-read a payload-less invocation.</summary>
internal sealed class NoArgumentsBinder(IInvocationBinder inner) : IInvocationBinder
{
    public IReadOnlyList<Type> GetParameterTypes(string methodName) => Type.EmptyTypes;

    public Type GetReturnType(string invocationId) => inner.GetReturnType(invocationId);

    public Type GetStreamItemType(string streamId) => inner.GetStreamItemType(streamId);

    public string? GetTarget(ReadOnlySpan<byte> utf8Bytes) => inner.GetTarget(utf8Bytes);
}
