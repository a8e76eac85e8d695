namespace Realtime.Testing.Wire;

/// <summary>What a load client needs of one received hub message, filled in place by a parser.</summary>
public struct HubMessage
{
    /// <summary>SignalR message type: 1 invocation, 6 ping, 7 close, ...</summary>
    public int Type;

    public HubTarget Target;

    /// <summary>bench:tick seq, or the seq in a notification's data; -1 when absent.</summary>
    public long Seq;

    /// <summary>Publisher's wall clock in Unix microseconds; 0 when absent.</summary>
    public long SentAtMicros;

    /// <summary>presence:summary online count; -1 when absent.</summary>
    public int Online;

    /// <summary>The error of a close message (type 7), if the server gave one: rare, so a string is fine.</summary>
    public string? CloseError;

    /// <summary>The payload's recoveryPosition; read only when the parser is asked for the recovery fields.</summary>
    public string? RecoveryPosition;

    /// <summary>connected's recovered; read only when the parser is asked for the recovery fields.</summary>
    public bool Recovered;

    public void Reset()
    {
        Type = 0;
        Target = HubTarget.Other;
        Seq = -1;
        SentAtMicros = 0;
        Online = -1;
        CloseError = null;
        RecoveryPosition = null;
        Recovered = false;
    }
}
