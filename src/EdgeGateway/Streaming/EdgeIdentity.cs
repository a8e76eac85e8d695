using System.Text.RegularExpressions;

namespace Realtime.EdgeGateway.Streaming;

/// <summary>The identity of this edge process in the cluster.</summary>
public sealed partial class EdgeIdentity(string edgeId)
{
    public string EdgeId { get; } = edgeId;

    /// <summary>A name unique to this process: host, process id and a random suffix.</summary>
    public static EdgeIdentity CreateUnique()
    {
        var host = InvalidChars().Replace(Environment.MachineName, "-");
        return new EdgeIdentity($"{host}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex InvalidChars();
}
