using System.Text.Json;
using Realtime.Grains.Notifications;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Inbox;

/// <summary>
/// The inbox for backend services, over the grain interfaces: construct it with the
/// IClusterClient (or any IGrainFactory) of an Orleans client of the cluster. The backend owns
/// conversations and messages; this mirrors them live to the /inbox subscribers.
/// Bad input (invalid ids, oversized fields, a non-positive SLA) throws ArgumentException.
/// </summary>
public sealed class InboxService(IGrainFactory grains)
{
    /// <summary>A customer wrote: the conversation now waits for a team reply, if it was not already.</summary>
    public Task<InboxMessage> AddCustomerMessage(string workspaceId, string conversationId, string messageId, string customerId, string content, object? data = null, DateTimeOffset? sentAt = null) =>
        Conversation(workspaceId, conversationId).AddMessage(new InboxMessageDraft(messageId, customerId, FromCustomer: true, content, ToJson(data), sentAt));

    /// <summary>A team member replied: the wait (and any pending SLA escalation) ends.</summary>
    public Task<InboxMessage> AddTeamMessage(string workspaceId, string conversationId, string messageId, string userId, string content, object? data = null, DateTimeOffset? sentAt = null) =>
        Conversation(workspaceId, conversationId).AddMessage(new InboxMessageDraft(messageId, userId, FromCustomer: false, content, ToJson(data), sentAt));

    public Task<Conversation> AssignConversation(string workspaceId, string conversationId, string? userId) =>
        Conversation(workspaceId, conversationId).Assign(userId is null ? null : RealtimeIds.EnsureValid(userId));

    public Task<Conversation> UpdateConversationStatus(string workspaceId, string conversationId, ConversationStatus status) =>
        Conversation(workspaceId, conversationId).SetStatus(status);

    /// <summary>Escalate when a customer waits longer than <paramref name="responseTime"/> for a team reply.</summary>
    public Task<Conversation> SetSla(string workspaceId, string conversationId, TimeSpan responseTime)
    {
        InboxMessageRules.EnsureValidSla(responseTime);
        return Conversation(workspaceId, conversationId).SetSla(responseTime);
    }

    public Task<Conversation> ClearSla(string workspaceId, string conversationId) =>
        Conversation(workspaceId, conversationId).ClearSla();

    /// <summary>
    /// The conversation, or null if no backend service ever created it, with the position
    /// (`recoveryPosition`) an /inbox connection passes back as `recover` to get every event after it.
    /// </summary>
    public async Task<Conversation?> GetConversation(string workspaceId, string conversationId)
    {
        // Read before the state: what happens in between comes again after it, never is missed.
        var position = await grains.GetGrain<IWorkspaceGrain>(RealtimeIds.EnsureValid(workspaceId)).GetPosition();
        return await Conversation(workspaceId, conversationId).Get() is { } conversation ? conversation with { RecoveryPosition = position } : null;
    }

    private IConversationGrain Conversation(string workspaceId, string conversationId) =>
        grains.GetGrain<IConversationGrain>(RealtimeIds.ConversationInWorkspace(RealtimeIds.EnsureValid(workspaceId), RealtimeIds.EnsureValid(conversationId)));

    private static RawJson? ToJson(object? data) => data switch
    {
        null => null,
        RawJson raw => raw,
        JsonElement element => RawJson.From(element),
        _ => new RawJson(JsonSerializer.Serialize(data, JsonOptions)),
    };

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
