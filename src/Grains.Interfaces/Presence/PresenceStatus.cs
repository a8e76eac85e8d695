using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace Realtime.Grains.Presence;

/// <summary>Status of a user in a workspace; on the wire as "online", "away", "offline" (JSON and MessagePack).</summary>
public enum PresenceStatus
{
    [EnumMember(Value = "offline"), JsonStringEnumMemberName("offline")]
    Offline = 0,

    [EnumMember(Value = "online"), JsonStringEnumMemberName("online")]
    Online = 1,

    [EnumMember(Value = "away"), JsonStringEnumMemberName("away")]
    Away = 2,
}
