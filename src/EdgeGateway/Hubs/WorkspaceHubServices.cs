using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Limits;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Streaming;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>
/// What <see cref="WorkspaceHub"/> needs, injected as one argument: a hub's own constructor then
/// names this and only the services that hub uses besides. All singletons, so one instance serves
/// every hub created per call.
/// </summary>
public sealed class WorkspaceHubServices(
    IGrainFactory grains,
    EdgeIdentity edge,
    LocalConnections localConnections,
    ConnectionAnnouncements announcements,
    RecoveringConnections recovering,
    WorkspaceFeedReader feeds,
    TimeProvider time,
    IOptions<EdgeLimitsOptions> limits)
{
    public IGrainFactory Grains { get; } = grains;

    public EdgeIdentity Edge { get; } = edge;

    public TimeProvider Time { get; } = time;

    /// <summary>The edge's limits (Edge:Limits), for the checks of client payloads.</summary>
    public EdgeLimitsOptions Limits => limits.Value;

    /// <summary>This edge's open connections, for the presence heartbeat and re-registration.</summary>
    internal LocalConnections LocalConnections { get; } = localConnections;

    /// <summary>Connections registered but not yet told <c>connected</c>.</summary>
    internal ConnectionAnnouncements Announcements { get; } = announcements;

    /// <summary>Connections replaying what they missed before going live.</summary>
    internal RecoveringConnections Recovering { get; } = recovering;

    /// <summary>The workspace feeds this edge follows: a replaying connection waits for them to catch up.</summary>
    internal WorkspaceFeedReader Feeds { get; } = feeds;
}
