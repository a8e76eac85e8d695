using System.ComponentModel.DataAnnotations;

namespace Realtime.Grains.Webhooks;

/// <summary>Webhooks the cluster sends to backends. Section "Webhooks"; none are sent without endpoints.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    /// <summary>Where webhooks go: each endpoint gets every event it wants, in order per workspace and user.</summary>
    public List<WebhookEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>A user offline for less than this (a page reload, a network switch) is not announced offline, nor online again.</summary>
    [Range(0, 3600)]
    public int OfflineGraceSeconds { get; set; } = 5;

    /// <summary>A notification still unread this long after it was created is announced as notification.unread.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int UnreadAfterSeconds { get; set; } = 300;

    /// <summary>How long an undelivered webhook is retried before it is dropped (counted as expired).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The wait after the first failed attempt; each further failure doubles it up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An endpoint that has not answered within this time failed the attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most webhooks kept waiting for one endpoint per user (and the most scheduled ones):
    /// past it the oldest is dropped and counted, so a dead receiver cannot grow memory without limit.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxPendingPerUser { get; set; } = 1000;

    /// <summary>Period of the reminder that wakes an outbox with work left after its activation is gone. At least Silo:MinimumReminderPeriod.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => Endpoints.Count > 0;

    public TimeSpan OfflineGrace => TimeSpan.FromSeconds(OfflineGraceSeconds);

    public TimeSpan UnreadAfter => TimeSpan.FromSeconds(UnreadAfterSeconds);

    /// <summary>Whether any endpoint wants webhooks of <paramref name="type"/>.</summary>
    public bool Wants(string type) => Endpoints.Any(e => e.Wants(type));

    /// <summary>The wait after <paramref name="failedAttempts"/> failed attempts: doubling from the first delay, capped.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var doublings = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var delay = FirstRetryDelay * Math.Pow(2, doublings);
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < FirstRetryDelay)
        {
            yield return new ValidationResult($"must be at least {nameof(FirstRetryDelay)} ({FirstRetryDelay}).", [nameof(MaxRetryDelay)]);
        }

        var urls = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Endpoints.Count; i++)
        {
            foreach (var error in Endpoints[i].Validate())
            {
                yield return new ValidationResult(error.Message, [$"{nameof(Endpoints)}:{i}:{error.Field}"]);
            }

            if (!urls.Add(Endpoints[i].Url))
            {
                yield return new ValidationResult("is configured twice.", [$"{nameof(Endpoints)}:{i}:{nameof(WebhookEndpointOptions.Url)}"]);
            }
        }
    }
}

/// <summary>One receiver of webhooks. Section "Webhooks:Endpoints:{i}".</summary>
public sealed class WebhookEndpointOptions
{
    public const string SecretPrefix = "whsec_";

    /// <summary>http or https URL the webhooks are POSTed to.</summary>
    public string Url { get; set; } = "";

    /// <summary>The Standard Webhooks signing secret, "whsec_" and base64 of 24 to 64 random bytes.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The types this endpoint wants; empty for all.</summary>
    public List<string> Events { get; set; } = [];

    public bool Wants(string type) => Events.Count == 0 || Events.Contains(type, StringComparer.Ordinal);

    internal IEnumerable<(string Field, string Message)> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            yield return (nameof(Url), "must be an absolute http or https URL.");
        }

        if (!IsSecret(Secret))
        {
            yield return (nameof(Secret), $"must be \"{SecretPrefix}\" followed by the base64 of 24 to 64 bytes.");
        }

        foreach (var type in Events.Where(t => !WebhookEventTypes.All.Contains(t)))
        {
            yield return (nameof(Events), $"'{type}' is not a webhook type ({string.Join(", ", WebhookEventTypes.All)}).");
        }
    }

    private static bool IsSecret(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var key = new byte[128];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], key, out var length) && length is >= 24 and <= 64;
    }
}
