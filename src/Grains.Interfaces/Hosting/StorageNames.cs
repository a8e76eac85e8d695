namespace Realtime.Grains.Hosting;

/// <summary>Names of grain storage providers that grains ask for.</summary>
public static class StorageNames
{
    /// <summary>Presence and workspace state.</summary>
    public const string Realtime = "realtime";
}
