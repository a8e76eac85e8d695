using Realtime.Grains.Notifications;

namespace Realtime.Grains.Broadcasting;

/// <summary>
/// The broadcasts of RealtimeService: an event of the service's choosing to a workspace, a
/// user or everyone, on /realtime. A stateless worker: it only looks up the edges and publishes.
/// Key: 0.
/// </summary>
[Alias("realtime.IBroadcastGrain")]
public interface IBroadcastGrain : IGrainWithIntegerKey
{
    [Alias("ToWorkspace")]
    Task ToWorkspace(string workspaceId, string eventName, RawJson payload);

    [Alias("ToUser")]
    Task ToUser(string workspaceId, string userId, string eventName, RawJson payload);

    [Alias("ToAll")]
    Task ToAll(string eventName, RawJson payload);
}
