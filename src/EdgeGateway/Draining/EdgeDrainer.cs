using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// Drains the edge on a graceful stop (SIGTERM): readiness fails and new connections are refused,
/// then every open connection is sent <c>reconnect</c> and closed, so the clients' automatic
/// reconnect moves them to another edge. It runs in ApplicationStopping, before SignalR closes the
/// connections itself: SignalR registers its callback before the first connection is dispatched,
/// this one is registered at the first connection, and callbacks run last-registered first.
/// </summary>
public sealed partial class EdgeDrainer(
    EdgeDrainState drain,
    DrainableConnections connections,
    IHostApplicationLifetime lifetime,
    ILogger<EdgeDrainer> logger) : IDisposable
{
    public const string ShutdownReason = "edge shutting down";

    /// <summary>ApplicationStopping callbacks are synchronous: bound the time one slow client can hold the stop.</summary>
    private static readonly TimeSpan TellTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A send completes once written to the connection's pipe, not the socket: let it flush before the abort.</summary>
    private static readonly TimeSpan FlushGrace = TimeSpan.FromMilliseconds(300);

    private readonly Lock _gate = new();
    private CancellationTokenRegistration? _stopping;

    /// <summary>Tracks an accepted connection for the drain.</summary>
    public void Track(HubCallerContext context, IClientProxy client)
    {
        lock (_gate)
        {
            _stopping ??= lifetime.ApplicationStopping.Register(() => DrainAsync().GetAwaiter().GetResult());
        }

        connections.Add(context, client);
    }

    public void Dispose() => _stopping?.Dispose();

    /// <summary>Tells every open connection to reconnect elsewhere, then closes it; new ones are refused from now on.</summary>
    public async Task DrainAsync()
    {
        drain.Begin();
        var open = connections.Snapshot();
        if (open.Count == 0)
        {
            return;
        }

        LogDraining(open.Count);
        var payload = new { reason = ShutdownReason };
        using var timeout = new CancellationTokenSource(TellTimeout);
        await Task.WhenAll(open.Select(c => TellAsync(c.Client, payload, timeout.Token)));
        await Task.Delay(FlushGrace);
        foreach (var (context, _) in open)
        {
            // A close that allows reconnecting: SignalR then sends its close message with
            // allowReconnect set, so the official clients' automatic reconnect takes them elsewhere
            // (a plain abort reached them as a final, clean close). Not yet reliable: one CI run saw
            // the .NET client closed instead; our own clients also get the reconnect event above.
            if (context.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
            {
                lifetime.RequestClose();
            }
            else
            {
                context.Abort();
            }
        }
    }

    private async Task TellAsync(IClientProxy client, object payload, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendAsync(RealtimeEvents.Reconnect, payload, cancellationToken);
        }
        catch (Exception ex)
        {
            // The connection is closed anyway; a client that missed the event reconnects on the close.
            LogTellFailed(ex);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Draining: telling {Count} connections to reconnect elsewhere")]
    private partial void LogDraining(int count);

    [LoggerMessage(2, LogLevel.Debug, "A connection could not be told to reconnect")]
    private partial void LogTellFailed(Exception exception);
}
