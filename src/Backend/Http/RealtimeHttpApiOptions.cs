using System.ComponentModel.DataAnnotations;

namespace Realtime.Backend.Http;

/// <summary>
/// Where the edges' HTTP API is and the service credential it needs. Section "RealtimeApi". The API
/// takes a JWT of role <c>service</c> (or <c>admin</c>) signed as the edges' Jwt settings require:
/// a fixed <see cref="ServiceToken"/>, or a <see cref="ServiceTokenProvider"/> asked before each
/// request (for tokens that expire).
/// </summary>
public sealed class RealtimeHttpApiOptions : IValidatableObject
{
    public const string SectionName = "RealtimeApi";

    /// <summary>An edge, or the load balancer in front of the edges, e.g. http://localhost:3001.</summary>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>A service token, sent as <c>Authorization: Bearer</c>.</summary>
    public string? ServiceToken { get; set; }

    /// <summary>Gives the token for each request; takes precedence over <see cref="ServiceToken"/>.</summary>
    public Func<CancellationToken, ValueTask<string>>? ServiceTokenProvider { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseAddress is not null && !(BaseAddress.IsAbsoluteUri && (BaseAddress.Scheme == Uri.UriSchemeHttp || BaseAddress.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("must be an absolute http or https URL, e.g. http://localhost:3001.", [nameof(BaseAddress)]);
        }

        if (string.IsNullOrWhiteSpace(ServiceToken) && ServiceTokenProvider is null)
        {
            yield return new ValidationResult("is required (or set ServiceTokenProvider in code).", [nameof(ServiceToken)]);
        }
    }
}
