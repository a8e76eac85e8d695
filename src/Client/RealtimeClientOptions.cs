namespace Realtime.Client;

/// <summary>Which edge, which workspace, the token, and how to reconnect. Section "RealtimeClient".</summary>
public sealed class RealtimeClientOptions
{
    public const string SectionName = "RealtimeClient";

    /// <summary>The edges' address (an edge, or the load balancer in front of them), e.g. http://localhost:3001.</summary>
    public Uri? EdgeUrl { get; set; }

    /// <summary>The workspace every hub connection is in; one of the token's.</summary>
    public string? WorkspaceId { get; set; }

    /// <summary>A fixed token; for tokens that expire set <see cref="AccessTokenProvider"/>.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Asked for a token before every connection and reconnection; takes precedence over <see cref="AccessToken"/>.</summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>The wait before the second attempt to reconnect; it doubles with each failed one (with jitter). The first comes at once.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts to reconnect; attempts go on until the client is stopped.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long starting a hub waits for its <c>connected</c> event.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each setting that is wrong, as "RealtimeClient:Setting: why"; empty when all are right.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (EdgeUrl is not { IsAbsoluteUri: true } || (EdgeUrl.Scheme != Uri.UriSchemeHttp && EdgeUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{SectionName}:{nameof(EdgeUrl)}: an absolute http or https URL is required, e.g. http://localhost:3001.");
        }

        if (string.IsNullOrWhiteSpace(WorkspaceId))
        {
            errors.Add($"{SectionName}:{nameof(WorkspaceId)}: is required.");
        }

        if (string.IsNullOrWhiteSpace(AccessToken) && AccessTokenProvider is null)
        {
            errors.Add($"{SectionName}:{nameof(AccessToken)}: is required (or set AccessTokenProvider in code).");
        }

        if (ReconnectInitialDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectInitialDelay)
        {
            errors.Add($"{SectionName}:{nameof(ReconnectMaxDelay)}: the delays must be above zero, the longest at least the first.");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(ConnectTimeout)}: must be above zero.");
        }

        return errors;
    }
}
