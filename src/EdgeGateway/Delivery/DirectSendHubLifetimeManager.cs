using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Telemetry;

namespace Realtime.EdgeGateway.Delivery;

/// <summary>
/// The edge's SignalR lifetime manager. Everything sent through it (groups, users, single
/// connections) is serialized once per protocol as a complete WebSocket frame, and the same
/// bytes are written to every WebSocket of the audience, skipping each connection's SignalR pipe,
/// send loop and frame building (that per-connection work is what limits a
/// stock hub's broadcasts). Connections without a <see cref="DirectSocketWriter"/> (long polling,
/// server-sent events, HTTP/2 WebSockets) get the stock path. The hubs are mapped without stateful
/// reconnect, whose replay buffer would not see the direct writes. Client results
/// (InvokeConnectionAsync) are not used by this edge and not supported.
/// </summary>
public sealed partial class DirectSendHubLifetimeManager<THub>(
    EdgeMetrics metrics,
    IOptions<EdgeOptions> options,
    ILogger<DirectSendHubLifetimeManager<THub>> logger) : HubLifetimeManager<THub>
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, Member> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Member>> _groups = new(StringComparer.Ordinal);
    private readonly string _hubName = HubNames.Of(typeof(THub));

    private readonly int _chunkSize = options.Value.FanOutChunkSize;

    /// <summary>Connections written to directly (WebSockets over HTTP/1.1); the others take the stock path.</summary>
    public int DirectConnections => Members(_connections).Count(m => m.Writer is not null);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = new Member(connection, DirectWriterOf(connection));
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_connections.TryRemove(connection.ConnectionId, out var member))
        {
            member.Writer?.Abandon();
            foreach (var group in member.LeaveAll())
            {
                RemoveFromGroup(connection.ConnectionId, group);
            }
        }

        return Task.CompletedTask;
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (_connections.TryGetValue(connectionId, out var member))
        {
            member.Join(groupName);
            while (true)
            {
                // Most groups hold one connection (a user's) or a few: sized for that, not the default 31 buckets.
                var group = _groups.GetOrAdd(groupName, _ => new(concurrencyLevel: 1, capacity: 1, StringComparer.Ordinal));
                lock (group)
                {
                    // A group emptied and removed since it was looked up would lose the member: add to its successor.
                    if (_groups.TryGetValue(groupName, out var current) && ReferenceEquals(current, group))
                    {
                        group[connectionId] = member;
                        break;
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (_connections.TryGetValue(connectionId, out var member))
        {
            member.Leave(groupName);
        }

        RemoveFromGroup(connectionId, groupName);
        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(Members(_connections), methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(Members(_connections).Where(m => !excludedConnectionIds.Contains(m.Connection.ConnectionId)), methodName, args, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _connections.TryGetValue(connectionId, out var member)
            ? Write(new OutgoingMessage(new InvocationMessage(methodName, args)), [member], cancellationToken)
            : Task.CompletedTask;

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(connectionIds.Select(id => _connections.GetValueOrDefault(id)).OfType<Member>(), methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _groups.TryGetValue(groupName, out var group) ? SendAsync(Members(group), methodName, args, cancellationToken) : Task.CompletedTask;

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(
            groupNames.SelectMany(name => _groups.TryGetValue(name, out var group) ? Members(group) : []).DistinctBy(m => m.Connection.ConnectionId),
            methodName,
            args,
            cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _groups.TryGetValue(groupName, out var group)
            ? SendAsync(Members(group).Where(m => !excludedConnectionIds.Contains(m.Connection.ConnectionId)), methodName, args, cancellationToken)
            : Task.CompletedTask;

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(Members(_connections).Where(m => m.Connection.UserIdentifier == userId), methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(Members(_connections).Where(m => m.Connection.UserIdentifier is { } user && userIds.Contains(user)), methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Client results are not used by the edge.");

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => Task.CompletedTask;

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type)
    {
        type = null;
        return false;
    }

    /// <summary>Enumerates without the locks and the copy that ConcurrentDictionary.Values takes, as each send does.</summary>
    private static IEnumerable<Member> Members(ConcurrentDictionary<string, Member> members) => members.Select(pair => pair.Value);

    private static DirectSocketWriter? DirectWriterOf(HubConnectionContext connection) =>
        connection.GetHttpContext()?.Features.Get<DirectSocketWriter>();

    private Task SendAsync(IEnumerable<Member> audience, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        var message = new OutgoingMessage(new InvocationMessage(methodName, args));
        using var members = PooledList<Member>.From(audience);
        if (members.Count < _chunkSize)
        {
            return Write(message, members.Span, cancellationToken);
        }

        // Writing a frame into a socket's buffer takes microseconds, but 10,000 of them in one loop
        // took 35-210 ms (edge at ~60% of 2 cores). Chunks on every core shorten the last socket's wait.
        var chunks = (members.Count + _chunkSize - 1) / _chunkSize;
        var pending = new Task[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, chunk =>
        {
            var start = chunk * _chunkSize;
            pending[chunk] = Write(message, members.Span.Slice(start, Math.Min(_chunkSize, members.Count - start)), cancellationToken);
        });
        return Task.WhenAll(pending);
    }

    /// <summary>Writes the message to each member in turn; returns what has not completed at once.</summary>
    private Task Write(OutgoingMessage message, ReadOnlySpan<Member> members, CancellationToken cancellationToken)
    {
        List<Task>? pending = null;
        foreach (var member in members)
        {
            Task write;
            if (member.Writer is { } writer)
            {
                if (!writer.TrySend(message.FrameFor(member.Connection.Protocol), out write))
                {
                    SlowConsumer(member);
                    continue;
                }
            }
            else
            {
                var stock = member.Connection.WriteAsync(message.Serialized, cancellationToken);
                if (stock.IsCompletedSuccessfully)
                {
                    stock.GetAwaiter().GetResult();
                    continue;
                }

                write = stock.AsTask();
            }

            if (!write.IsCompletedSuccessfully)
            {
                (pending ??= []).Add(ObserveAsync(write));
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    /// <summary>A failed write means the connection is closing; SignalR reports that itself.</summary>
    private async Task ObserveAsync(Task write)
    {
        try
        {
            await write;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or ConnectionResetException)
        {
            LogWriteFailed(ex);
        }
    }

    private void SlowConsumer(Member member)
    {
        metrics.RecordSlowConsumerDrop(_hubName);
        LogSlowConsumer(member.Connection.ConnectionId, member.Writer?.Pending ?? 0);
        member.Connection.Abort();
    }

    private void RemoveFromGroup(string connectionId, string groupName)
    {
        if (!_groups.TryGetValue(groupName, out var group))
        {
            return;
        }

        // Under the group's lock, so that an add either lands before the emptiness check or sees the group gone.
        lock (group)
        {
            if (group.TryRemove(connectionId, out _) && group.IsEmpty)
            {
                _groups.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, Member>>(groupName, group));
            }
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "A write to a closing connection failed")]
    private partial void LogWriteFailed(Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Connection {ConnectionId} closed: {Pending} messages wait for it, it does not keep up")]
    private partial void LogSlowConsumer(string connectionId, int pending);

    private sealed class Member(HubConnectionContext connection, DirectSocketWriter? writer)
    {
        /// <summary>Groups this connection is in, to leave them on disconnect; a connection is in very few.</summary>
        private readonly List<string> _groups = new(2);

        public HubConnectionContext Connection { get; } = connection;

        public DirectSocketWriter? Writer { get; } = writer;

        public void Join(string group)
        {
            lock (_groups)
            {
                if (!_groups.Contains(group))
                {
                    _groups.Add(group);
                }
            }
        }

        public void Leave(string group)
        {
            lock (_groups)
            {
                _groups.Remove(group);
            }
        }

        public string[] LeaveAll()
        {
            lock (_groups)
            {
                var groups = _groups.ToArray();
                _groups.Clear();
                return groups;
            }
        }
    }
}
