namespace Realtime.Grains.Streaming;

/// <summary>
/// A wire payload that carries the position of its event (<c>recoveryPosition</c>), set once by the
/// grain that numbers the event, so every receiver gets the same bytes and can pass it back to
/// recover what follows.
/// </summary>
public interface IRecoverablePayload
{
    /// <summary>The position, once the grain set it.</summary>
    string? RecoveryPosition { get; }

    /// <summary>The payload with its event's position set.</summary>
    IRecoverablePayload WithRecoveryPosition(string position);
}
