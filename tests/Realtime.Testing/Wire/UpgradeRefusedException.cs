namespace Realtime.Testing.Wire;

/// <summary>The server answered the WebSocket upgrade with something other than 101 (401, 403, 503...).</summary>
public sealed class UpgradeRefusedException(string statusLine) : IOException($"WebSocket upgrade refused: {statusLine}");
