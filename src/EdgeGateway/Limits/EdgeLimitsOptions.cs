using System.ComponentModel.DataAnnotations;
using Realtime.Grains;
using Realtime.Grains.Notifications;

namespace Realtime.EdgeGateway.Limits;

/// <summary>
/// What one client may cost an edge. Section "Edge:Limits". Rates and connection counts are per
/// edge process: a client spread over several edges gets each edge's allowance.
/// </summary>
public sealed class EdgeLimitsOptions : IValidatableObject
{
    public const string SectionName = "Edge:Limits";

    /// <summary>Largest hub message a client may send (SignalR's MaximumReceiveMessageSize); a larger one closes its connection.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 32 * 1024;

    /// <summary>Hub invocations one connection may make per second, sustained. 0 turns the limit off.</summary>
    [Range(0, 100_000)]
    public int EventsPerSecondPerConnection { get; set; } = 20;

    /// <summary>Invocations one connection may make at once before the sustained rate applies.</summary>
    [Range(1, 1_000_000)]
    public int EventBurstPerConnection { get; set; } = 40;

    /// <summary>Hub invocations one user may make per second over all their connections on this edge. 0 turns it off.</summary>
    [Range(0, 1_000_000)]
    public int EventsPerSecondPerUser { get; set; } = 50;

    /// <summary>Invocations one user may make at once before the sustained rate applies.</summary>
    [Range(1, 10_000_000)]
    public int EventBurstPerUser { get; set; } = 100;

    /// <summary>
    /// Open hub connections one user id may hold on this edge, over all hubs and workspaces (a
    /// browser tab of the team page holds one per hub it uses). 0 turns the limit off.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxConnectionsPerUser { get; set; } = 50;

    /// <summary>
    /// HTTP API requests one caller (the token's user id) may make per second on this edge,
    /// sustained; over it the answer is 429 with Retry-After. 0 turns the limit off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int HttpRequestsPerSecondPerCaller { get; set; } = 1000;

    /// <summary>HTTP API requests one caller may make at once before the sustained rate applies.</summary>
    [Range(1, 10_000_000)]
    public int HttpBurstPerCaller { get; set; } = 2000;

    /// <summary>
    /// Bytes of an HTTP API request body (POST /realtime/notifications/send): a bigger one gets 413
    /// before it is parsed. Kestrel's own default is 30 MB; the fields inside are bounded anyway.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Characters of free text such as the page of page:navigate.</summary>
    [Range(1, 64 * 1024)]
    public int MaxPageLength { get; set; } = 512;

    /// <summary>
    /// Characters of an id a client sends: conversation, resource, message and notification ids,
    /// cursors, watched users, filter names. Ids also keep to <see cref="RealtimeIds"/>' alphabet, so
    /// this can only tighten its ceiling.
    /// </summary>
    [Range(1, RealtimeIds.MaxLength)]
    public int MaxIdLength { get; set; } = RealtimeIds.MaxLength;

    /// <summary>Characters of a notification title sent over HTTP; at most the grains' own ceiling.</summary>
    [Range(1, NotificationDraftRules.MaxTitleLength)]
    public int MaxNotificationTitleLength { get; set; } = NotificationDraftRules.MaxTitleLength;

    /// <summary>Characters of a notification message sent over HTTP; at most the grains' own ceiling.</summary>
    [Range(1, NotificationDraftRules.MaxMessageLength)]
    public int MaxNotificationMessageLength { get; set; } = NotificationDraftRules.MaxMessageLength;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A burst below the rate could never spend a whole second's allowance at once.
        if (EventsPerSecondPerConnection > 0 && EventBurstPerConnection < EventsPerSecondPerConnection)
        {
            yield return new ValidationResult("must be at least EventsPerSecondPerConnection.", [nameof(EventBurstPerConnection)]);
        }

        if (EventsPerSecondPerUser > 0 && EventBurstPerUser < EventsPerSecondPerUser)
        {
            yield return new ValidationResult("must be at least EventsPerSecondPerUser.", [nameof(EventBurstPerUser)]);
        }
    }
}
