namespace Realtime.Testing;

/// <summary>Waits for a condition with a timeout, never for a fixed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How often a condition is checked again; a poll, not a wait for things to settle.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var value = await probe();
        while (!condition(value))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {because}; last value: {value}");
            }

            await Task.Delay(PollInterval);
            value = await probe();
        }

        return value;
    }

    /// <summary>
    /// Retries <paramref name="call"/> until it succeeds: for the first calls after a silo left,
    /// which fail until the client has noticed (as a real client's retry policy would).
    /// </summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> call, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is Orleans.Runtime.OrleansException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(PollInterval * 4);
            }
        }
    }
}
