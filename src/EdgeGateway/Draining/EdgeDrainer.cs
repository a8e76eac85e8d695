using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Realtime.Grains.Streaming;

namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// Drains the edge on a graceful stop (SIGTERM): readiness fails and new connections are refused,
/// then every open connection is sent <c>reconnect</c> and closed with leave to reconnect, so the
/// clients' automatic reconnect moves them to another edge. It runs in ApplicationStopping, before
/// SignalR closes the connections itself: SignalR registers its callback before the first
/// connection is dispatched, this one is registered at the first connection, and callbacks run
/// last-registered first. It returns once every hub request has ended: SignalR's own shutdown
/// tears sockets down without a close handshake, and a client whose socket breaks that way drops
/// the messages it had received but not yet read (the .NET client's pipe fails with the error)
/// and, depending on timing, reads the close without leave to reconnect.
/// </summary>
public sealed partial class EdgeDrainer(
    EdgeDrainState drain,
    DrainableConnections connections,
    OpenHubRequests requests,
    IHostApplicationLifetime lifetime,
    ILogger<EdgeDrainer> logger) : IDisposable
{
    public const string ShutdownReason = "edge shutting down";

    /// <summary>ApplicationStopping callbacks are synchronous: bound the time slow clients can hold the stop.</summary>
    private static readonly TimeSpan TellTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the clients get to complete their close handshake (SignalR's WebSocket close
    /// timeout is 5 s); with <see cref="TellTimeout"/> well inside the host's shutdown timeout.
    /// </summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private CancellationTokenRegistration? _stopping;
    private Task? _drained;

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

    /// <summary>
    /// Tells every open connection to reconnect elsewhere, closes it, and completes when every hub
    /// request has ended (or the close timeout passed); new connections are refused from now on.
    /// Every call shares the one drain.
    /// </summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            return _drained ??= RunAsync();
        }
    }

    /// <summary>
    /// Tells one connection to reconnect elsewhere and closes it with leave to reconnect: for a
    /// connection that completed its handshake as the drain began and so missed its snapshot.
    /// </summary>
    public Task SendAwayAsync(HubCallerContext context, IClientProxy client) => SendAwayAsync((context, client));

    private async Task RunAsync()
    {
        drain.Begin();
        var open = connections.Snapshot();
        if (open.Count > 0)
        {
            LogDraining(open.Count);
            await Task.WhenAll(open.Select(SendAwayAsync));
        }

        try
        {
            await requests.WhenIdleAsync().WaitAsync(CloseTimeout);
            LogDrained();
        }
        catch (TimeoutException)
        {
            LogCloseTimedOut(requests.Count, CloseTimeout);
        }
    }

    private async Task SendAwayAsync((HubCallerContext Context, IClientProxy Client) connection)
    {
        try
        {
            // Completes once the event is written to the socket's stream; the close below goes out
            // behind it on the same stream.
            await connection.Client.SendAsync(RealtimeEvents.Reconnect, new { reason = ShutdownReason }).WaitAsync(TellTimeout);
        }
        catch (Exception ex)
        {
            // The connection is closed anyway; a client that missed the event reconnects on the close.
            LogTellFailed(ex);
        }

        // SignalR sends its close message with allowReconnect set: the official clients' automatic
        // reconnect takes them elsewhere (a plain abort is a final close to them).
        if (connection.Context.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            lifetime.RequestClose();
        }
        else
        {
            connection.Context.Abort();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Draining: telling {Count} connections to reconnect elsewhere")]
    private partial void LogDraining(int count);

    [LoggerMessage(2, LogLevel.Debug, "A connection could not be told to reconnect in time; it is closed anyway")]
    private partial void LogTellFailed(Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Drained: every hub connection closed")]
    private partial void LogDrained();

    [LoggerMessage(5, LogLevel.Warning, "Draining: {Count} hub requests still open after {Timeout}; the shutdown closes them")]
    private partial void LogCloseTimedOut(int count, TimeSpan timeout);
}
