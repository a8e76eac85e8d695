using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Delivery;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Presence;
using Realtime.EdgeGateway.Telemetry;

namespace Realtime.UnitTests.Edge;

/// <summary>
/// The edge's lifetime manager drops a group when its last member leaves. A connection joining
/// at that moment must end up in the group that sends reach, never in the one being dropped.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class DirectSendGroupTests : IDisposable
{
    private const string Group = "ws/w1";
    private const int Rounds = 5000;

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddMetrics()
        .AddSingleton<LocalConnections>()
        .AddSingleton(TimeProvider.System)
        .AddSingleton<IHostApplicationLifetime, StartedLifetime>()
        .AddSingleton<EdgeMetrics>()
        .BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_connection_joining_as_the_last_member_leaves_is_in_the_group_sends_reach()
    {
        var manager = new DirectSendHubLifetimeManager<RealtimeHub>(
            _services.GetRequiredService<EdgeMetrics>(), Options.Create(new EdgeOptions()), NullLogger<DirectSendHubLifetimeManager<RealtimeHub>>.Instance);
        var leaving = new RecordingConnection("leaving");
        var joining = new RecordingConnection("joining");
        await manager.OnConnectedAsync(leaving);
        await manager.OnConnectedAsync(joining);
        using var start = new Barrier(2);
        for (var round = 0; round < Rounds; round++)
        {
            await manager.AddToGroupAsync(leaving.ConnectionId, Group);
            var leave = Task.Run(() =>
            {
                start.SignalAndWait();
                return manager.RemoveFromGroupAsync(leaving.ConnectionId, Group);
            });
            var join = Task.Run(() =>
            {
                start.SignalAndWait();
                return manager.AddToGroupAsync(joining.ConnectionId, Group);
            });
            await Task.WhenAll(leave, join).WaitAsync(TimeSpan.FromSeconds(10));

            await manager.SendGroupAsync(Group, "test:event", [round]);
            Assert.Equal(round + 1, joining.Writes);
            Assert.Equal(0, leaving.Writes);
            await manager.RemoveFromGroupAsync(joining.ConnectionId, Group);
        }
    }

    /// <summary>A connection on the stock send path that counts what is written to it.</summary>
    private sealed class RecordingConnection(string connectionId)
        : HubConnectionContext(new DefaultConnectionContext(connectionId), new HubConnectionContextOptions(), NullLoggerFactory.Instance)
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _writes);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class StartedLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
