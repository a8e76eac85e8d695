namespace Realtime.Silo.Hosting;

/// <summary>Where grain state and reminders live.</summary>
public enum StorageProvider
{
    /// <summary>In the silo's memory: the embedded default, lost when the silo stops.</summary>
    Memory,

    /// <summary>In Redis (Cluster:RedisConnectionString): production.</summary>
    Redis,
}
