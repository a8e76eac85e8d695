using Realtime.Grains.Streaming;

namespace Realtime.Grains.Telemetry;

/// <summary>
/// Tags of the realtime metrics, silo and edge alike. Only hub and event names, each from a
/// fixed set: never user, workspace or connection ids, which would make one series per user.
/// </summary>
public static class MetricTags
{
    public const string Hub = "hub";
    public const string EventName = "event.name";

    /// <summary>What an unknown value is reported as.</summary>
    public const string Other = "other";

    private static readonly Dictionary<RealtimeHubs, string> HubNames = Enum.GetValues<RealtimeHubs>()
        .Where(h => h != RealtimeHubs.None)
        .ToDictionary(h => h, h => h.ToString().ToLowerInvariant());

    /// <summary>"realtime", "presence", "notifications", ...: the hub's path without the slash.</summary>
    public static string HubName(RealtimeHubs hub) => HubNames.GetValueOrDefault(hub, Other);

    /// <summary>A hub name given as text (e.g. by a caller outside this assembly), kept only if it is a known one.</summary>
    public static string HubName(string hub) => HubNames.ContainsValue(hub) ? hub : Other;

    public static string EventNameOf(string eventName) => RealtimeEvents.All.Contains(eventName) ? eventName : Other;

    public static KeyValuePair<string, object?> ForHub(RealtimeHubs hub) => new(Hub, HubName(hub));

    public static KeyValuePair<string, object?> ForHub(string hub) => new(Hub, HubName(hub));

    public static KeyValuePair<string, object?> ForEvent(string eventName) => new(EventName, EventNameOf(eventName));
}
