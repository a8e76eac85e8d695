using System.Text.Json;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;

namespace Realtime.EdgeGateway.Api;

/// <summary>
/// The inbox over HTTP (docs/protocol.md), through the same <see cref="InboxService"/> .NET backends
/// use: messages (the first one creates the conversation), assignment, status and SLA, and a read
/// of a conversation.
/// </summary>
public static class InboxEndpoints
{
    private const string Conversation = "/{workspaceId}/conversations/{conversationId}";

    private static readonly Dictionary<string, ConversationStatus> Statuses =
        Enum.GetValues<ConversationStatus>().ToDictionary(s => JsonNamingPolicy.CamelCase.ConvertName(s.ToString()), StringComparer.Ordinal);

    public sealed record MessageRequest(string? MessageId, string? From, string? AuthorId, string? Content, JsonElement? Data, DateTimeOffset? SentAt);

    /// <summary>Each field is left alone when absent (<see cref="JsonValueKind.Undefined"/>); null clears it.</summary>
    public sealed record ConversationChanges(JsonElement AssignedTo, JsonElement Status, JsonElement SlaSeconds);

    public static IEndpointRouteBuilder MapInboxEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/realtime/inbox" + Conversation, GetAsync)
            .RequireAuthorization(RealtimePolicies.WorkspaceReader)
            .AddEndpointFilter<ServiceRefusalProblems>()
            .WithTags("Inbox")
            .Produces<Conversation>()
            .AsHttpApi()
            .AnswersProblems(StatusCodes.Status404NotFound);

        var inbox = endpoints.MapServiceWrites("/realtime/inbox").WithTags("Inbox");
        inbox.MapPost(Conversation + "/messages", AddMessageAsync).Produces<InboxMessage>(StatusCodes.Status201Created).Produces<InboxMessage>();
        inbox.MapPatch(Conversation, ChangeAsync).Produces<Conversation>().AnswersProblems(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string workspaceId, string conversationId, InboxService inbox) =>
        await inbox.GetConversation(workspaceId, conversationId) is { } conversation ? Results.Ok(conversation) : NotFound(conversationId);

    private static async Task<IResult> AddMessageAsync(string workspaceId, string conversationId, MessageRequest? request, InboxService inbox)
    {
        if (ServiceApi.Missing(request, ("messageId", request?.MessageId is not null), ("from", request?.From is not null), ("authorId", request?.AuthorId is not null), ("content", request?.Content is not null)) is { } missing)
        {
            return missing;
        }

        var fromCustomer = request!.From switch
        {
            "customer" => true,
            "team" => false,
            _ => (bool?)null,
        };
        var data = request.Data is { } json ? RawJson.From(json) : null;
        var errors = InboxMessageRules.Validate(new InboxMessageDraft(request.MessageId!, request.AuthorId!, fromCustomer ?? false, request.Content!, data, request.SentAt));
        if (fromCustomer is null)
        {
            errors["from"] = ["customer or team"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        // The conversation takes a message id once: the same message sent again (a retry) is 200, not 201.
        var before = await inbox.GetConversation(workspaceId, conversationId);
        var message = fromCustomer!.Value
            ? await inbox.AddCustomerMessage(workspaceId, conversationId, request.MessageId!, request.AuthorId!, request.Content!, data, request.SentAt)
            : await inbox.AddTeamMessage(workspaceId, conversationId, request.MessageId!, request.AuthorId!, request.Content!, data, request.SentAt);
        return before?.LastMessage?.MessageId == request.MessageId
            ? Results.Ok(message)
            : Results.Created($"/realtime/inbox/{workspaceId}/conversations/{conversationId}", message);
    }

    /// <summary>Every change is checked before any is made, so a refused request changes nothing.</summary>
    private static async Task<IResult> ChangeAsync(string workspaceId, string conversationId, ConversationChanges? changes, InboxService inbox)
    {
        if (changes is null || (changes.AssignedTo.ValueKind, changes.Status.ValueKind, changes.SlaSeconds.ValueKind) is (JsonValueKind.Undefined, JsonValueKind.Undefined, JsonValueKind.Undefined))
        {
            return ServiceApi.Invalid(BadRequestProblems.BodyField, "at least one of assignedTo, status, slaSeconds");
        }

        var errors = new Dictionary<string, string[]>();
        var assignee = changes.AssignedTo.ValueKind switch
        {
            JsonValueKind.String when RealtimeIds.IsValid(changes.AssignedTo.GetString()) => changes.AssignedTo.GetString(),
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            _ => Error<string>(errors, "assignedTo", "a user id, or null to unassign"),
        };
        var status = changes.Status.ValueKind switch
        {
            JsonValueKind.Undefined => null,
            JsonValueKind.String when Statuses.TryGetValue(changes.Status.GetString()!, out var named) => named,
            _ => Error<ConversationStatus?>(errors, "status", $"one of {string.Join(", ", Statuses.Keys)}"),
        };
        var sla = changes.SlaSeconds.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.Number when changes.SlaSeconds.TryGetDouble(out var seconds) && seconds > 0 && seconds <= InboxMessageRules.MaxSla.TotalSeconds => TimeSpan.FromSeconds(seconds),
            _ => Error<TimeSpan?>(errors, "slaSeconds", $"seconds above 0 and at most {InboxMessageRules.MaxSla.TotalSeconds}, or null to clear"),
        };
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var conversation = await inbox.GetConversation(workspaceId, conversationId);
        if (conversation is null)
        {
            return NotFound(conversationId);
        }

        if (changes.AssignedTo.ValueKind != JsonValueKind.Undefined)
        {
            conversation = await inbox.AssignConversation(workspaceId, conversationId, assignee);
        }

        if (status is { } newStatus)
        {
            conversation = await inbox.UpdateConversationStatus(workspaceId, conversationId, newStatus);
        }

        if (changes.SlaSeconds.ValueKind != JsonValueKind.Undefined)
        {
            conversation = sla is { } responseTime
                ? await inbox.SetSla(workspaceId, conversationId, responseTime)
                : await inbox.ClearSla(workspaceId, conversationId);
        }

        return Results.Ok(conversation);
    }

    private static IResult NotFound(string conversationId) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No conversation '{conversationId}' in this workspace.");

    private static T? Error<T>(Dictionary<string, string[]> errors, string field, string error)
    {
        errors[field] = [error];
        return default;
    }
}
