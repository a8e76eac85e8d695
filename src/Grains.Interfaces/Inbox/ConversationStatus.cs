using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace Realtime.Grains.Inbox;

/// <summary>
/// Where a conversation stands; on the wire as "open", "pending", "resolved", "closed".
/// Resolving or closing a conversation ends its wait for a team reply (and so its SLA clock).
/// </summary>
public enum ConversationStatus
{
    [EnumMember(Value = "open"), JsonStringEnumMemberName("open")]
    Open = 0,

    [EnumMember(Value = "pending"), JsonStringEnumMemberName("pending")]
    Pending = 1,

    [EnumMember(Value = "resolved"), JsonStringEnumMemberName("resolved")]
    Resolved = 2,

    [EnumMember(Value = "closed"), JsonStringEnumMemberName("closed")]
    Closed = 3,
}
