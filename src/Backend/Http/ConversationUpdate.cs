using System.Text.Json.Nodes;
using Realtime.Grains.Inbox;

namespace Realtime.Backend.Http;

/// <summary>
/// The changes of one <c>PATCH</c> of a conversation: only what is set is sent, and a null
/// assignee or SLA is sent as null (unassign, clear the SLA).
/// </summary>
public sealed class ConversationUpdate
{
    private readonly JsonObject _body = [];

    /// <summary>Assigns the conversation to <paramref name="userId"/>, or unassigns it (null).</summary>
    public ConversationUpdate AssignTo(string? userId)
    {
        _body["assignedTo"] = userId;
        return this;
    }

    public ConversationUpdate WithStatus(ConversationStatus status)
    {
        _body["status"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
        return this;
    }

    /// <summary>The time the team has to answer a waiting customer, or null to clear it.</summary>
    public ConversationUpdate WithSla(TimeSpan? responseTime)
    {
        _body["slaSeconds"] = responseTime?.TotalSeconds;
        return this;
    }

    internal JsonObject ToJson() => _body;
}
