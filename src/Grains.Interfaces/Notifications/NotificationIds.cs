using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Realtime.Grains.Notifications;

/// <summary>
/// Notification ids: "{sequence}-{tag}", where the tag is derived from workspace and user. The
/// sequence orders a user's notifications; the tag keeps ids of different users apart.
/// </summary>
public sealed class NotificationIds(string workspaceId, string userId)
{
    private readonly string _tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{workspaceId}/{userId}")))[..8];

    public string Format(long sequence) => $"{sequence.ToString(CultureInfo.InvariantCulture)}-{_tag}";

    /// <summary>The sequence of one of this user's ids; false for malformed ids and ids of other users.</summary>
    public bool TryParse(string? id, out long sequence)
    {
        sequence = 0;
        var dash = id?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        return dash > 0
            && string.Equals(id![(dash + 1)..], _tag, StringComparison.Ordinal)
            && long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}
