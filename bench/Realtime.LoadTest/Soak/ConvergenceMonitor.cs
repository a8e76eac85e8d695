using System.Globalization;
using Realtime.Grains.Presence;
using Realtime.LoadTest.Metrics;

namespace Realtime.LoadTest.Soak;

/// <summary>When presence last became right and stayed right: from then on, every client that wants to be connected is, with its view loaded, and each view equals the truth.</summary>
public sealed record ConvergenceOutcome(long? ConsistentSince, string LastDetail, IReadOnlyList<string> Examples);

/// <summary>
/// Compares, over and over, what every /realtime and /presence client believes is online in its
/// workspace (presence:get or presence:online snapshot after its connect, then presence:update) with
/// the truth: the users with a connection open. A ghost is a user a view shows who is not
/// connected; a missing user is connected but not shown.
/// </summary>
public sealed class ConvergenceMonitor(SoakPopulation population)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Wall clock of load time 0, for the times in findings.</summary>
    public long LoadStart { get; set; }

    public (bool Consistent, string Detail, List<string> Examples) Check()
    {
        var examples = new List<string>();
        var unsettled = population.Clients.Where(c => c.WantOnline && !c.IsSettled).ToList();
        foreach (var client in unsettled.Take(3))
        {
            examples.Add($"client {client.Index} ({client.User.Id}/{client.User.WorkspaceId} {client.Hub.ToString().ToLowerInvariant()}) not settled: {(client.IsOpen ? "view not loaded" : "not connected")}; last error: {client.LastError}");
        }

        var differing = 0;
        var ghosts = new SortedSet<string>(StringComparer.Ordinal);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        for (var workspace = 0; workspace < population.WorkspaceIds.Count; workspace++)
        {
            var truth = population.Truth(workspace);
            foreach (var client in population.Clients.Where(c => c.User.Workspace == workspace && c.Hub != SoakHub.Notifications))
            {
                if (client.View() is not { } view || view.SetEquals(truth))
                {
                    continue;
                }

                differing++;
                var clientGhosts = view.Except(truth).ToList();
                var clientMissing = truth.Except(view).ToList();
                ghosts.UnionWith(clientGhosts.Select(u => $"{u}@{population.WorkspaceIds[workspace]}"));
                missing.UnionWith(clientMissing.Select(u => $"{u}@{population.WorkspaceIds[workspace]}"));
                if (examples.Count < 8)
                {
                    examples.Add($"client {client.Index} ({client.User.Id}/{client.User.WorkspaceId} {client.Hub.ToString().ToLowerInvariant()}) sees ghosts [{string.Join(",", clientGhosts.Take(10))}], misses [{string.Join(",", clientMissing.Take(10))}]");
                }
            }
        }

        // When the users in question connected and left: lines a wrong view up with the kills.
        foreach (var user in ghosts.Concat(missing).Take(4))
        {
            examples.Add(DescribeUser(user[..user.IndexOf('@', StringComparison.Ordinal)]));
        }

        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{unsettled.Count} clients not settled, {differing} views differ from the truth; ghosts [{string.Join(", ", ghosts.Take(12))}]{(ghosts.Count > 12 ? $" (+{ghosts.Count - 12})" : "")}, missing [{string.Join(", ", missing.Take(12))}]{(missing.Count > 12 ? $" (+{missing.Count - 12})" : "")}");
        return (unsettled.Count == 0 && differing == 0, detail, examples);
    }

    /// <summary>Checks until <paramref name="until"/> (wall clock, Unix µs) and reports the start of the last streak of consistency.</summary>
    public async Task<ConvergenceOutcome> WatchAsync(long until, CancellationToken cancellationToken)
    {
        long? since = null;
        var lastDetail = "never checked";
        IReadOnlyList<string> examples = [];
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = WallClock.NowMicros();
            var (consistent, detail, found) = Check();
            if (consistent)
            {
                since ??= now;
            }
            else
            {
                since = null;
                lastDetail = detail;
                examples = found;
            }

            if (now >= until)
            {
                break;
            }

            try
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return new ConvergenceOutcome(since, lastDetail, examples);
    }

    private string DescribeUser(string userId)
    {
        var user = population.Users.First(u => u.Id == userId);
        var clients = user.Clients.Select(c => $"{c.Hub.ToString().ToLowerInvariant()} " + string.Join(", ", c.Spans().TakeLast(4).Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"edge{s.Edge + 1} {(s.ConnectedAt - LoadStart) / 1e6:F3}-{(s.EndedAt == 0 ? "open" : ((s.EndedAt - LoadStart) / 1e6).ToString("F3", CultureInfo.InvariantCulture))}"))));
        return $"user {userId} of {user.WorkspaceId} ({(user.Away ? "away" : "present")}): {string.Join("; ", clients)}";
    }

    /// <summary>What the cluster itself says (online and away users per workspace) against the truth: tells a server-side ghost from a lost update.</summary>
    public async Task<List<string>> CompareWithServerAsync(IClusterClient client)
    {
        var findings = new List<string>();
        var presence = new PresenceService(client);
        for (var workspace = 0; workspace < population.WorkspaceIds.Count; workspace++)
        {
            var workspaceId = population.WorkspaceIds[workspace];
            var server = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                string? cursor = null;
                var pages = 0;
                do
                {
                    var page = await presence.GetWorkspacePresence(workspaceId, cursor, PresencePage.MaxLimit, onlineOnly: true).WaitAsync(TimeSpan.FromSeconds(10));
                    server.UnionWith(page.Users.Select(u => u.UserId));
                    cursor = page.NextCursor;
                }
                while (cursor is not null && ++pages < 20);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                findings.Add($"{workspaceId}: the cluster's presence could not be read: {ex.Message}");
                continue;
            }

            var truth = population.Truth(workspace);
            var ghosts = server.Except(truth).Order(StringComparer.Ordinal).ToList();
            var missing = truth.Except(server).Order(StringComparer.Ordinal).ToList();
            findings.Add(ghosts.Count + missing.Count == 0
                ? $"{workspaceId}: the cluster's presence equals the truth ({truth.Count} online)"
                : $"{workspaceId}: the cluster shows {ghosts.Count} ghosts [{string.Join(",", ghosts.Take(10))}] and misses {missing.Count} [{string.Join(",", missing.Take(10))}] of {truth.Count} online");
        }

        return findings;
    }
}
