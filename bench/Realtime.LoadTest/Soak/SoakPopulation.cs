using Realtime.EdgeGateway.Identity;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Soak;

/// <summary>
/// The soak's users and their clients: user n is "u{n}" of workspace n mod W and holds /realtime and
/// /notifications, every 4th user also /presence, every 10th a second /notifications tab. Users come
/// and go (churn); some do not come back when their edge dies.
/// </summary>
public sealed class SoakPopulation
{
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MinAway = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxAway = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly int _edges;
    private readonly List<Task> _running = [];
    private readonly List<Task> _returns = [];
    private volatile bool _frozen;

    private SoakPopulation(IReadOnlyList<SoakUser> users, IReadOnlyList<string> workspaceIds, int edges, int seed)
    {
        Users = users;
        WorkspaceIds = workspaceIds;
        _edges = edges;
        _random = new Random(seed);
        Clients = users.SelectMany(u => u.Clients).ToList();
    }

    public IReadOnlyList<SoakUser> Users { get; }

    public IReadOnlyList<string> WorkspaceIds { get; }

    public IReadOnlyList<SoakClient> Clients { get; }

    public IEnumerable<SoakClient> Of(SoakHub hub) => Clients.Where(c => c.Hub == hub);

    /// <summary>No more leaving or coming back (from the last kill on): what presence should show stops moving.</summary>
    public bool Frozen => _frozen;

    public static SoakPopulation Create(SoakOptions options, IReadOnlyList<Uri> edgeUrls, JwtOptions jwt)
    {
        var endpoints = edgeUrls.Select(LoopbackEndpoint.Parse).ToList();
        var issuer = new DevelopmentTokenIssuer(jwt, TimeProvider.System);
        var lifetime = options.Duration + TimeSpan.FromHours(1);
        var workspaceIds = Enumerable.Range(0, options.Workspaces).Select(w => $"soak-w{w}").ToList();
        var users = new List<SoakUser>();
        var index = 0;
        for (var n = 0; n < options.Users; n++)
        {
            var workspace = n % options.Workspaces;
            var user = new SoakUser(n, workspace, workspaceIds[workspace], issuer.Issue($"u{n}", [workspaceIds[workspace]], ["member"], lifetime));
            user.Clients.Add(new SoakClient(index++, user, SoakHub.Realtime, endpoints));
            user.Clients.Add(new SoakClient(index++, user, SoakHub.Notifications, endpoints));
            if (n % 4 == 0)
            {
                user.Clients.Add(new SoakClient(index++, user, SoakHub.Presence, endpoints));
            }

            if (n % 10 == 0)
            {
                user.Clients.Add(new SoakClient(index++, user, SoakHub.Notifications, endpoints));
            }

            users.Add(user);
        }

        return new SoakPopulation(users, workspaceIds, endpoints.Count, options.Seed);
    }

    /// <summary>Every client starts its life, each user on an edge chosen at random (the load balancer).</summary>
    public void Start(CancellationToken stop)
    {
        foreach (var user in Users)
        {
            var edge = NextEdge();
            foreach (var client in user.Clients)
            {
                _running.Add(Task.Run(() => client.RunAsync(edge, stop), CancellationToken.None));
            }
        }
    }

    /// <summary>Open clients of users who are present; a choice for the traffic's presence changes.</summary>
    public SoakClient? RandomOpen(SoakHub hub, Random random)
    {
        var candidates = Clients.Where(c => c.Hub == hub).ToList();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var client = candidates[random.Next(candidates.Count)];
            if (client.IsOpen)
            {
                return client;
            }
        }

        return null;
    }

    /// <summary>Users in <paramref name="workspace"/> with a connection open right now: what presence must show.</summary>
    public HashSet<string> Truth(int workspace) =>
        Users.Where(u => u.Workspace == workspace && u.Clients.Any(c => c.IsOpen)).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>Clients that want to be connected but are not settled yet (not open, or their view or live point not there).</summary>
    public int Unsettled => Clients.Count(c => c.WantOnline && !c.IsSettled);

    public int Open => Clients.Count(c => c.IsOpen);

    /// <summary>Pings every open client every 15 s (the server's client timeout is 30 s) until <paramref name="stop"/>.</summary>
    public async Task PingAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(PingEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var client in Clients)
                {
                    await client.SendPingAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary><paramref name="perMinute"/> of the users a minute close the app and come back 10-60 s later, until frozen or stopped.</summary>
    public async Task ChurnAsync(double perMinute, CancellationToken stop)
    {
        var perSecond = perMinute * Users.Count / 60;
        if (perSecond <= 0)
        {
            return;
        }

        var period = TimeSpan.FromSeconds(1 / perSecond);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (!_frozen && await timer.WaitForNextTickAsync(stop))
            {
                SoakUser? user;
                lock (_gate)
                {
                    var present = Users.Where(u => !u.Away).ToList();
                    user = present.Count > 0 ? present[_random.Next(present.Count)] : null;
                }

                if (user is not null && !_frozen)
                {
                    await LeaveAsync(user);
                    ScheduleReturn(user, stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The load is over.
        }
    }

    /// <summary>
    /// Just before edge <paramref name="edge"/> is killed: a share of its users will not come back
    /// by themselves (their connections die with it, with no goodbye), so only the lease can take them out of presence.
    /// </summary>
    public async Task<int> GiveUpOnAsync(int edge, double share, CancellationToken stop)
    {
        List<SoakUser> leaving;
        lock (_gate)
        {
            leaving = Users.Where(u => !u.Away && u.Clients.Any(c => c.IsOpenOn(edge)) && _random.NextDouble() < share).ToList();
            foreach (var user in leaving)
            {
                user.Away = true;
            }
        }

        foreach (var user in leaving)
        {
            foreach (var client in user.Clients)
            {
                if (client.IsOpenOn(edge))
                {
                    client.GiveUp();
                }
                else
                {
                    await client.LeaveAsync();
                }
            }

            ScheduleReturn(user, stop);
        }

        return leaving.Count;
    }

    public void Freeze() => _frozen = true;

    /// <summary>Everyone who is away opens the app again (after presence was judged): their notifications must be replayed.</summary>
    public int EveryoneBack()
    {
        List<SoakUser> away;
        lock (_gate)
        {
            away = Users.Where(u => u.Away).ToList();
        }

        foreach (var user in away)
        {
            Return(user);
        }

        return away.Count;
    }

    /// <summary>Notes which clients are open as the run ends, before they are stopped.</summary>
    public void RecordEnd()
    {
        foreach (var client in Clients)
        {
            client.RecordEnd();
        }
    }

    /// <summary>Waits for every client's life to end once the stop token was cancelled (their sockets are aborted; the cluster goes next).</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_running);
        Task[] returns;
        lock (_gate)
        {
            returns = [.. _returns];
        }

        await Task.WhenAll(returns);
    }

    private static async Task LeaveAsync(SoakUser user)
    {
        user.Away = true;
        foreach (var client in user.Clients)
        {
            await client.LeaveAsync();
        }
    }

    private void ScheduleReturn(SoakUser user, CancellationToken stop)
    {
        TimeSpan away;
        lock (_gate)
        {
            away = MinAway + ((MaxAway - MinAway) * _random.NextDouble());
            _returns.Add(ReturnLaterAsync(user, away, stop));
        }
    }

    private async Task ReturnLaterAsync(SoakUser user, TimeSpan after, CancellationToken stop)
    {
        try
        {
            await Task.Delay(after, stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // From the last kill on, whoever is away stays away: their presence must be gone by the deadline.
        if (!_frozen)
        {
            Return(user);
        }
    }

    private void Return(SoakUser user)
    {
        var edge = NextEdge();
        user.Away = false;
        foreach (var client in user.Clients)
        {
            client.Return(edge);
        }
    }

    private int NextEdge()
    {
        lock (_gate)
        {
            return _random.Next(_edges);
        }
    }
}
