using Realtime.Grains.Telemetry;

namespace Realtime.EdgeGateway.Telemetry;

/// <summary>The metric name of a hub type: "realtime" for RealtimeHub, its path, as <see cref="MetricTags.HubName(string)"/> knows it.</summary>
public static class HubNames
{
    public static string Of(Type hubType)
    {
        var name = hubType.Name;
        return MetricTags.HubName((name.EndsWith("Hub", StringComparison.Ordinal) ? name[..^3] : name).ToLowerInvariant());
    }
}
