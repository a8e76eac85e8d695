using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Realtime.EdgeGateway.Draining;
using Realtime.EdgeGateway.Streaming;
using Realtime.Grains.Sessions;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// The revoked sessions this edge enforces: tokens of a revoked user issued before the revocation
/// are refused (<see cref="RealtimeJwtEvents"/>), and a new revocation closes the user's connections
/// here after telling them why. The list comes from the cluster at start and again every
/// <see cref="CheckInterval"/> (an edge that missed a revocation's event still refuses the tokens);
/// new revocations arrive on the edge's stream.
/// </summary>
public sealed partial class RevokedSessions(
    IClusterClient client,
    EdgeIdentity edge,
    DrainableConnections connections,
    TimeProvider timeProvider,
    ILogger<RevokedSessions> logger) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);

    /// <summary>A client that does not take the event within this time is closed anyway.</summary>
    private static readonly TimeSpan TellTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ImmutableList<SessionRevocation>> _byUser = new(StringComparer.Ordinal);

    private ISessionRevocationGrain Revocations => client.GetGrain<ISessionRevocationGrain>(0);

    /// <summary>Whether the user's token issued at <paramref name="issuedAt"/> is refused (for <paramref name="workspaceId"/>, when the request names one).</summary>
    public bool Refuses(string userId, string? workspaceId, DateTimeOffset issuedAt) =>
        _byUser.TryGetValue(userId, out var revocations) && revocations.Any(r => r.Refuses(userId, workspaceId, issuedAt));

    /// <summary>A revocation from the edge's stream: remembered, then the user's connections here are told and closed, and the cluster told how many.</summary>
    public async Task ApplyAsync(SessionRevocation revocation)
    {
        Remember(revocation);
        var closing = connections.Snapshot().Where(c => IsRevoked(c.Context, revocation)).ToList();
        await Task.WhenAll(closing.Select(c => CloseAsync(c.Context, c.Client, revocation.Reason)));
        LogClosed(revocation.UserId, revocation.WorkspaceId ?? "*", closing.Count);
        Revocations.Closed(revocation.Id, edge.EdgeId, closing.Count).Ignore();
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the edge takes connections, when the cluster answers in time; else the first check.
        await CheckAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CheckAsync(stoppingToken);
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var active = await Revocations.GetActive().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            var forgetBefore = timeProvider.GetUtcNow() - SessionRevocation.KeepFor;
            foreach (var userId in _byUser.Keys)
            {
                // Every token issued before these has expired by now.
                var kept = _byUser.AddOrUpdate(userId, [], (_, current) => current.RemoveAll(r => r.At <= forgetBefore));
                if (kept.IsEmpty)
                {
                    _byUser.TryRemove(new KeyValuePair<string, ImmutableList<SessionRevocation>>(userId, kept));
                }
            }

            foreach (var revocation in active)
            {
                Remember(revocation);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckFailed(ex);
        }
    }

    private void Remember(SessionRevocation revocation) =>
        _byUser.AddOrUpdate(revocation.UserId, [revocation], (_, current) => current.Any(r => r.Id == revocation.Id) ? current : current.Add(revocation));

    private static bool IsRevoked(HubCallerContext context, SessionRevocation revocation) =>
        context.User?.FindFirstValue(RealtimeClaims.UserId) == revocation.UserId
        && (revocation.WorkspaceId is null || revocation.WorkspaceId == context.GetHttpContext()?.Request.Query[RealtimeClaims.WorkspaceIdQuery].ToString());

    private async Task CloseAsync(HubCallerContext context, IClientProxy caller, string reason)
    {
        try
        {
            await caller.SendAsync(RealtimeEvents.SessionRevoked, new { reason }).WaitAsync(TellTimeout);
        }
        catch (Exception ex)
        {
            LogTellFailed(ex, context.ConnectionId);
        }

        // A final close: the client's automatic reconnect comes back with its token, which is now refused.
        context.Abort();
    }

    [LoggerMessage(1, LogLevel.Information, "Revoked sessions of {UserId} in {WorkspaceId}: closed {Count} connections on this edge")]
    private partial void LogClosed(string userId, string workspaceId, int count);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} could not be told its session was revoked in time; it is closed anyway")]
    private partial void LogTellFailed(Exception ex, string connectionId);

    [LoggerMessage(3, LogLevel.Warning, "Reading the revoked sessions from the cluster failed; the next check tries again")]
    private partial void LogCheckFailed(Exception ex);
}
