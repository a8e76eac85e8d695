using Microsoft.Extensions.DependencyInjection;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Presence;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// What <c>connected</c> promises a client: from then on it gets everything published to its
/// workspace, and it is the connection's first event. Here the connection's registration with its
/// presence grain is held up (as a slow storage write would), on an edge the workspace has not
/// seen yet: the case where a broadcast published right after <c>connected</c> used to miss it.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class ConnectedEventTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_broadcast_published_once_the_client_saw_connected_reaches_it()
    {
        var registration = new HeldCalls(nameof(IUserPresenceGrain.Connect));
        await using var system = await RealtimeSystem.StartEmbeddedAsync(configureEdge: edge =>
            edge.Services.AddSingleton<IOutgoingGrainCallFilter>(registration));
        var realtime = new RealtimeService(system.EdgeService<IClusterClient>());

        // Several workspaces, each new to the edge: the broadcast log can sometimes make up for a
        // miss later, so one round alone could pass by luck.
        for (var round = 0; round < 5; round++)
        {
            var workspace = $"ws-{Guid.NewGuid():N}";
            var token = system.Tokens.Issue("alice", [workspace], ["member"], TimeSpan.FromMinutes(5));
            var held = registration.HoldNext();
            await using var client = await TestClient.ConnectAsync(system.EdgeUrls[0], token, workspace);
            client.Record("test:first");
            await held.Entered.WaitAsync(Timeout);
            var publishOnceConnected = Task.Run(async () =>
            {
                await client.Events.WaitForAsync(e => e.Name == "connected", "alice's connected");
                await realtime.BroadcastToWorkspace(workspace, "test:first", new { round });
            });
            held.Release();
            await publishOnceConnected.WaitAsync(Timeout);

            await client.Events.WaitForAsync(e => e.Name == "test:first", $"the broadcast published after connected, round {round}");
            Assert.Equal("connected", client.Events.Snapshot()[0].Name);
        }
    }

    [Fact]
    public async Task Connected_comes_before_the_presence_its_registration_sets_off()
    {
        await using var system = await RealtimeSystem.StartEmbeddedAsync();
        var workspace = $"ws-{Guid.NewGuid():N}";
        var token = system.Tokens.Issue("alice", [workspace], ["member"], TimeSpan.FromMinutes(5));

        await using var client = await TestClient.ConnectAsync(system.EdgeUrls[0], token, workspace, "/presence");

        await client.Events.WaitForAsync(e => e.Name == "presence:update", "the workspace's presence, sent to alice as she joins");
        Assert.Equal(["connected", "presence:update"], client.Events.Snapshot().Select(e => e.Name).Take(2));
    }

    /// <summary>Holds the edge's next call of one grain method, when armed, until released.</summary>
    private sealed class HeldCalls(string method) : IOutgoingGrainCallFilter
    {
        private Hold? _next;

        public Hold HoldNext() => _next = new Hold();

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.MethodName == method && Interlocked.Exchange(ref _next, null) is { } hold)
            {
                await hold.EnterAndWaitAsync();
            }

            await context.Invoke();
        }
    }

    private sealed class Hold
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        public Task EnterAndWaitAsync()
        {
            _entered.TrySetResult();
            return _released.Task;
        }
    }
}
