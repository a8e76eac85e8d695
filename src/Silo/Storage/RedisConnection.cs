using StackExchange.Redis;

namespace Realtime.Silo.Storage;

/// <summary>
/// The silo's own connection to Redis, for what it keeps there besides Orleans' providers (the
/// broadcast log, idempotency keys). Connected at first use; Redis restarting does not fail the
/// silo: commands fail until it is back.
/// </summary>
public sealed class RedisConnection(ConfigurationOptions configuration) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() =>
    {
        var options = configuration.Clone();
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.ConnectAsync(options);
    });

    public async Task<IDatabase> GetDatabaseAsync() => (await _connection.Value).GetDatabase();

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }
}
