using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Hubs;

namespace Realtime.UnitTests.Edge;

/// <summary>Records what each connection is sent, in order, and who is in which group.</summary>
internal sealed class RecordingHubContext : IHubContext<PresenceHub>, IHubClients, IGroupManager
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<object?>> _received = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _groups = new(StringComparer.Ordinal);

    public IHubClients Clients => this;

    public IGroupManager Groups => this;

    public IReadOnlyList<object?> ReceivedBy(string connectionId)
    {
        lock (_lock)
        {
            return [.. _received.GetValueOrDefault(connectionId) ?? []];
        }
    }

    public IReadOnlyCollection<string> MembersOf(string group)
    {
        lock (_lock)
        {
            return [.. _groups.GetValueOrDefault(group) ?? []];
        }
    }

    public IClientProxy Client(string connectionId) => new Proxy(this, () => [connectionId]);

    public IClientProxy Group(string groupName) => new Proxy(this, () => MembersOf(groupName));

    public IClientProxy All => throw new NotSupportedException();

    public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

    IClientProxy IHubClients<IClientProxy>.Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

    public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

    IClientProxy IHubClients<IClientProxy>.Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

    public IClientProxy User(string userId) => throw new NotSupportedException();

    public IClientProxy Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

    public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            (_groups.TryGetValue(groupName, out var members) ? members : _groups[groupName] = new(StringComparer.Ordinal)).Add(connectionId);
        }

        return Task.CompletedTask;
    }

    public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _groups.GetValueOrDefault(groupName)?.Remove(connectionId);
        }

        return Task.CompletedTask;
    }

    private void Record(IEnumerable<string> connectionIds, object? payload)
    {
        lock (_lock)
        {
            foreach (var connectionId in connectionIds)
            {
                (_received.TryGetValue(connectionId, out var received) ? received : _received[connectionId] = []).Add(payload);
            }
        }
    }

    private sealed class Proxy(RecordingHubContext hub, Func<IReadOnlyCollection<string>> connections) : IClientProxy
    {
        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
        {
            hub.Record(connections(), args.Single());
            return Task.CompletedTask;
        }
    }
}
