using Realtime.Grains.Broadcasting;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// Two real edges and one workspace whose numbered broadcasts (<c>{ seq }</c>) clients on /realtime
/// receive, leave, and come back for with <c>recover</c>: what the /realtime recovery tests share.
/// </summary>
public abstract class WorkspaceRecoveryTest : IAsyncLifetime
{
    protected const string EventName = "test:recovery";

    protected string WorkspaceId { get; } = $"ws-{Guid.NewGuid():N}";

    protected RealtimeSystem System { get; private set; } = null!;

    protected IClusterClient Client => System.EdgeService<IClusterClient>();

    protected RealtimeService Realtime => new(Client);

    protected IWorkspaceGrain Workspace => Client.GetGrain<IWorkspaceGrain>(WorkspaceId);

    /// <summary>Silo settings of the system, beside the embedded default's.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? SiloSettings => null;

    public async Task InitializeAsync() => System = await RealtimeSystem.StartEmbeddedAsync(siloSettings: SiloSettings, edgeCount: 2);

    public async Task DisposeAsync() => await System.DisposeAsync();

    protected string Token(string userId, params string[] workspaces) =>
        System.Tokens.Issue(userId, [WorkspaceId, .. workspaces], ["member"], TimeSpan.FromMinutes(10));

    /// <summary>Connects to /realtime on the edge (recovering from the position, when given) and waits for <c>connected</c>.</summary>
    protected async Task<TestClient> ConnectAsync(string userId, int edge, string? recover = null)
    {
        var client = await TestClient.ConnectAsync(
            System.EdgeUrls[edge],
            Token(userId),
            WorkspaceId,
            "/realtime",
            recover is null ? null : $"recover={Uri.EscapeDataString(recover)}",
            record: [EventName]);
        await client.Events.WaitForAsync(e => e.Name == "connected", $"{userId} connected");
        return client;
    }

    /// <summary>
    /// Broadcasts 1, waits for it on <paramref name="client"/> (of <paramref name="userId"/>), closes
    /// it and waits until the workspace no longer counts the user: returns the broadcast's position.
    /// </summary>
    protected async Task<string> LeaveAfterFirstBroadcastAsync(TestClient client, string userId)
    {
        await BroadcastAsync(1);
        var first = await client.Events.WaitForAsync(e => Seq(e) == 1, "broadcast 1");
        await client.DisposeAsync();
        await Eventually.UntilAsync(() => Workspace.GetConnectedUserIds(), ids => !ids.Contains(userId), $"{userId} gone from the workspace");
        return first.Payload.GetProperty(RecoveryPosition.PropertyName).GetString()!;
    }

    protected Task BroadcastAsync(int seq) => Realtime.BroadcastToWorkspace(WorkspaceId, EventName, new { seq });

    protected static int Seq(ReceivedEvent e) => e.Name == EventName ? e.Payload.GetProperty("seq").GetInt32() : 0;
}
