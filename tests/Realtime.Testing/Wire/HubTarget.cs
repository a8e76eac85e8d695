namespace Realtime.Testing.Wire;

/// <summary>The server-to-client messages a load client tells apart; everything else is only counted.</summary>
public enum HubTarget
{
    Other,
    Connected,
    Tick,
    Warmup,

    /// <summary>The timed warm-up's load: neither counted nor measured, so its payload is read only for the recovery position.</summary>
    WarmupLoad,
    Notification,
    NotificationUnread,
    PresenceUpdate,
    PresenceList,
    PresenceSummary,
}

public static class HubTargets
{
    public const string TickEvent = "bench:tick";

    /// <summary>Sent before the measured ticks so that first-use costs (activations, stream setup, JIT) stay out of the figures.</summary>
    public const string WarmupEvent = "bench:warmup";

    /// <summary>The timed warm-up's load (--warmup-seconds): received like any event, and neither counted nor measured.</summary>
    public const string WarmupLoadEvent = "bench:warmup-load";

    /// <summary>Classifies a target name straight from the received bytes: no string per message.</summary>
    public static HubTarget Classify(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("bench:tick"u8) => HubTarget.Tick,
        _ when name.SequenceEqual("bench:warmup"u8) => HubTarget.Warmup,
        _ when name.SequenceEqual("notification"u8) => HubTarget.Notification,
        _ when name.SequenceEqual("presence:update"u8) => HubTarget.PresenceUpdate,
        _ when name.SequenceEqual("presence:summary"u8) => HubTarget.PresenceSummary,
        _ when name.SequenceEqual("presence:list"u8) => HubTarget.PresenceList,
        _ when name.SequenceEqual("connected"u8) => HubTarget.Connected,
        _ when name.SequenceEqual("notification:unread"u8) => HubTarget.NotificationUnread,
        _ when name.SequenceEqual("bench:warmup-load"u8) => HubTarget.WarmupLoad,
        _ => HubTarget.Other,
    };

    public static bool IsPresence(this HubTarget target) =>
        target is HubTarget.PresenceUpdate or HubTarget.PresenceList or HubTarget.PresenceSummary;
}
