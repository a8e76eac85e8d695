using Realtime.Testing.Metrics;

namespace Realtime.LoadTest.Results;

/// <summary>One measured run of one scenario against one target, as written to the result JSON.</summary>
public sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required string Target { get; init; }

    public required string Protocol { get; init; }

    public required int Clients { get; init; }

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public int ClientProcesses { get; init; } = 1;

    public int Connected { get; init; }

    public int Ready { get; init; }

    public double ConnectsPerSecond { get; init; }

    /// <summary>connect-storm: from the first connect until every client saw N online.</summary>
    public double? SettledSeconds { get; init; }

    public double? Rate { get; init; }

    public double? Seconds { get; init; }

    /// <summary>broadcast: seconds of unmeasured broadcasts at the rate before the measured ones (0: a cold start).</summary>
    public double? WarmupSeconds { get; init; }

    public int? Published { get; init; }

    public long? Expected { get; init; }

    public long? Received { get; init; }

    public long? Lost => Expected - Received;

    public long? Duplicates { get; init; }

    public double? DeliveriesPerSecond { get; init; }

    public LatencySummary? Latency { get; init; }

    /// <summary>broadcast: who published (grain interface or HTTP API).</summary>
    public string? Publisher { get; init; }

    /// <summary>Workspaces the clients were spread over (broadcast).</summary>
    public int Workspaces { get; init; } = 1;

    /// <summary>From the publish call to its answer (the grain call's return, or 202 over HTTP), ms.</summary>
    public LatencySummary? Accept { get; init; }

    public double? PresenceMessagesMin { get; init; }

    public double? PresenceMessagesMean { get; init; }

    public double? PresenceMessagesMax { get; init; }

    public double? PresenceBytesMin { get; init; }

    public double? PresenceBytesMean { get; init; }

    public double? PresenceBytesMax { get; init; }

    public double? EdgeKbPerConnection { get; init; }

    public double? SiloKbPerConnection { get; init; }

    public double? EdgeGcHeapKbPerConnection { get; init; }

    /// <summary>reconnect: clients that dropped and reconnected with recover= (0: the baseline run beside it).</summary>
    public int? Dropped { get; init; }

    /// <summary>reconnect: seconds the dropped clients stayed away.</summary>
    public double? AwaySeconds { get; init; }

    /// <summary>reconnect: dropped clients whose connected event after the reconnect said recovered: true.</summary>
    public int? RecoveredClients { get; init; }

    /// <summary>reconnect: per dropped client, from starting the reconnect to the last tick accepted before it started, ms.</summary>
    public LatencySummary? RecoveryTime { get; init; }

    /// <summary>reconnect: ticks per dropped client that were broadcast while it was away, replayed after it came back.</summary>
    public double? ReplayedMean { get; init; }

    public long? ReplayedMax { get; init; }

    /// <summary>reconnect: ticks owed to the dropped clients over both connections, and the distinct ones they got.</summary>
    public long? DroppedExpected { get; init; }

    public long? DroppedReceived { get; init; }

    public long? DroppedLost => DroppedExpected - DroppedReceived;

    public long? DroppedDuplicates { get; init; }

    /// <summary>reconnect: ticks a dropped client got after a later one.</summary>
    public long? DroppedOutOfOrder { get; init; }

    /// <summary>reconnect: ticks the workspaces sent after a higher-numbered one (overlapping publishes reaching a workspace the other way round; not an error).</summary>
    public long? WorkspaceOrderDiffers { get; init; }

    /// <summary>reconnect: the first dropped client that got a tick twice or out of order, and the ticks it got after its reconnect.</summary>
    public string? FirstDisorder { get; init; }

    /// <summary>reconnect: Recovery:WorkspaceEvents and Recovery:WorkspaceBytes given to the silos when the defaults would not hold the run's history (null: the defaults).</summary>
    public int? RecoveryWorkspaceEvents { get; init; }

    public int? RecoveryWorkspaceBytes { get; init; }

    public int ClientErrors { get; init; }

    public string? FirstError { get; init; }
}
