using Realtime.EdgeGateway.Identity;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// Which clients one process holds: users FirstUser .. FirstUser+Count-1 ("u{n}") of one
/// workspace or group, on one hub. Serialized to a worker process as JSON.
/// </summary>
public sealed record ClientSpec
{
    /// <summary>The servers to connect to (the local cluster's edges, or one): user n connects to server n mod their count.</summary>
    public required IReadOnlyList<Uri> Servers { get; init; }

    /// <summary>Hub path, e.g. "/realtime", "/notifications", "/hub".</summary>
    public required string HubPath { get; init; }

    public required WireProtocol Protocol { get; init; }

    /// <summary>Workspace (Orleans edge) or group (bare hub); with <see cref="Workspaces"/> above 1, the prefix of their names.</summary>
    public required string Workspace { get; init; }

    /// <summary>Workspaces the users are spread over: user n is in <see cref="WorkspaceOf"/>(n).</summary>
    public int Workspaces { get; init; } = 1;

    public required int FirstUser { get; init; }

    public required int Count { get; init; }

    /// <summary>Users in the whole run: the size of each client's online-users bitset.</summary>
    public required int TotalUsers { get; init; }

    /// <summary>The event that tells a connection is fully set up.</summary>
    public HubTarget ReadyOn { get; init; } = HubTarget.Connected;

    /// <summary>Track who is online from presence messages (connect storm).</summary>
    public bool TrackPresence { get; init; }

    /// <summary>Edge JWT settings to mint tokens with; none for the bare hub.</summary>
    public JwtOptions? Jwt { get; init; }

    /// <summary>How many 127.0.0.x source addresses to spread the clients over (1: let the OS choose).</summary>
    public int SourceAddresses { get; init; } = 1;

    public int ConnectConcurrency { get; init; } = 64;

    /// <summary>SignalR pings from each client; 15 s keeps the server's 30 s client timeout happy.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Hard limit on the life of every client loop of the run.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The workspace of user <paramref name="user"/>: <see cref="Workspace"/>, or "{Workspace}-{user mod Workspaces}".</summary>
    public string WorkspaceOf(int user) => Workspaces == 1 ? Workspace : NthWorkspace(Workspace, user % Workspaces);

    public static string NthWorkspace(string prefix, int index) => $"{prefix}-{index}";
}
