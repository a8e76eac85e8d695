using Realtime.EdgeGateway.Identity;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Presence;

namespace Realtime.EdgeGateway.Presence;

/// <summary>Registers live local connections again when the cluster forgot them (lapsed lease, swept, lost state).</summary>
public sealed partial class ConnectionReregistration(
    IGrainFactory grains,
    LocalConnections connections,
    EdgeIdentity edge,
    ILogger<ConnectionReregistration> logger)
{
    private const int MaxConcurrentCalls = 16;

    /// <summary>Registers <paramref name="connectionIds"/> of one user, if they are still open here.</summary>
    public async Task RegisterAsync(ConnectionIdentity identity, IEnumerable<string> connectionIds)
    {
        foreach (var connectionId in connectionIds.Where(connections.Contains))
        {
            await grains.UserPresence(identity).Connect(new EdgeConnection(connectionId, edge.EdgeId));
            LogReregistered(connectionId, identity.UserId, identity.WorkspaceId);
        }
    }

    /// <summary>Registers every local connection again.</summary>
    public Task RegisterAllAsync(CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            connections.ByUser(),
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCalls, CancellationToken = cancellationToken },
            async (user, _) => await RegisterAsync(user.Identity, user.ConnectionIds));

    [LoggerMessage(1, LogLevel.Information, "Registered connection {ConnectionId} of user {UserId} in workspace {WorkspaceId} again")]
    private partial void LogReregistered(string connectionId, string userId, string workspaceId);
}
