using System.Collections.Concurrent;
using Realtime.Grains.Broadcasting;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// Steady traffic during a fault: a workspace broadcast every <see cref="Period"/> and a notification
/// to one user every other period. Notifications are retried until accepted (a backend's retry policy);
/// broadcasts are fire-and-forget (a failed one is simply not counted as sent).
/// </summary>
public sealed class TrafficLoop : IAsyncDisposable
{
    public const string TickEvent = "fault:tick";

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _accepted = new();
    private readonly Task _notifications;
    private readonly Task _broadcasts;
    private int _lastTick;

    public TrafficLoop(IClusterClient client, string userId)
    {
        _notifications = Task.Run(() => NotifyAsync(client, userId));
        _broadcasts = Task.Run(() => BroadcastAsync(client));
    }

    /// <summary>Ids of the notifications whose send returned: none of them may be lost.</summary>
    public IReadOnlyCollection<string> Accepted => _accepted.ToArray();

    /// <summary>The number of the last broadcast whose send returned.</summary>
    public int LastTick => Volatile.Read(ref _lastTick);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_notifications, _broadcasts);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task NotifyAsync(IClusterClient client, string userId)
    {
        // Below Notifications:MaxPerUser (200), so the grain keeps every one and the list proves none was lost.
        for (var i = 0; !_stop.IsCancellationRequested && i < 190; i++)
        {
            _accepted.Enqueue(await FaultTraffic.SendAsync(client, userId, i, FaultTraffic.AttemptTimeout));
            await Pause();
            await Pause();
        }
    }

    private async Task BroadcastAsync(IClusterClient client)
    {
        var realtime = new RealtimeService(client);
        for (var tick = 1; !_stop.IsCancellationRequested && tick < 100_000; tick++)
        {
            try
            {
                await realtime.BroadcastToWorkspace(FaultTraffic.WorkspaceId, TickEvent, new { tick }).WaitAsync(FaultTraffic.AttemptTimeout);
                Volatile.Write(ref _lastTick, tick);
            }
            catch (Exception ex) when (ex is Orleans.Runtime.OrleansException or TimeoutException)
            {
                // Lost with the silo; the next one counts.
            }

            await Pause();
        }
    }

    private async Task Pause()
    {
        try
        {
            await Task.Delay(Period, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
