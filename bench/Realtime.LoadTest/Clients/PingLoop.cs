namespace Realtime.LoadTest.Clients;

/// <summary>One loop that pings every client of a group in turn: no timer or task per socket.</summary>
public static class PingLoop
{
    /// <summary>Pings each client every <paramref name="interval"/> until <paramref name="stop"/>; the only sender after the handshakes.</summary>
    public static async Task RunAsync<TClient>(IReadOnlyList<TClient> clients, Func<TClient, CancellationToken, ValueTask> ping, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var client in clients)
                {
                    try
                    {
                        await ping(client, stop);
                    }
                    catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
                    {
                        // That client's receive loop reports the failure (or it is being dropped on purpose).
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The group is being disposed.
        }
    }
}
