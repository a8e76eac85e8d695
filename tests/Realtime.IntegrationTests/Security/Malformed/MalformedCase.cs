using Realtime.Testing.Wire;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>One WebSocket message to send: its bytes, as a text or a binary message.</summary>
public sealed record WireFrame(byte[] Bytes, bool Binary = false);

/// <summary>
/// One handcrafted input: what to send on a fresh connection to <see cref="Hub"/>, and the outcomes
/// allowed. With <see cref="InvocationId"/> the answer is that invocation's completion; without,
/// a valid probe call follows and shows whether the connection survived (Ignored) or was closed.
/// <see cref="LikeValid"/> means: exactly what the valid payload of the same event got.
/// </summary>
public sealed record MalformedCase(
    string Category,
    string Name,
    string Hub,
    WireProtocol Protocol,
    IReadOnlyList<WireFrame> Frames,
    string? InvocationId,
    IReadOnlySet<ReplyKind> Allowed,
    bool LikeValid = false,
    byte[]? Handshake = null,
    string? Event = null)
{
    public override string ToString() => $"[{Category}] {Hub} {Protocol} {Name}";
}
