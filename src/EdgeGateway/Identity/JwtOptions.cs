using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// How tokens are checked. Section "Jwt". A shared HS256 <see cref="SigningKey"/> (development,
/// tests), and/or an <see cref="Authority"/> (or <see cref="MetadataAddress"/>) whose published
/// signing keys are fetched and refreshed, so that keys rotate without a restart (production).
/// </summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string SectionName = "Jwt";

    [Required]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    /// <summary>HS256 secret, at least 32 bytes of UTF-8.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority publishing signing keys (discovery at /.well-known/openid-configuration).</summary>
    [Url]
    public string? Authority { get; set; }

    /// <summary>The discovery document's address, when it is not under <see cref="Authority"/>.</summary>
    [Url]
    public string? MetadataAddress { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the authority's keys are fetched again even when nothing asks for it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// At most one extra fetch per this interval when a token names a key not yet known (a new key
    /// after a rotation): keeps forged key ids from hammering the authority.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan KeyRefreshMinimumInterval { get; set; } = TimeSpan.FromMinutes(5);

    public bool UsesAuthority => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(MetadataAddress);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesAuthority && string.IsNullOrEmpty(SigningKey))
        {
            yield return new ValidationResult("is required unless Jwt:Authority or Jwt:MetadataAddress is set.", [nameof(SigningKey)]);
        }
        else if (!string.IsNullOrEmpty(SigningKey) && Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            yield return new ValidationResult("must be at least 32 bytes for HS256.", [nameof(SigningKey)]);
        }

        // JwtBearer would refuse these only at the first request; refused here, the process does not start.
        foreach (var (name, value) in new[] { (nameof(Authority), Authority), (nameof(MetadataAddress), MetadataAddress) })
        {
            if (RequireHttpsMetadata && !string.IsNullOrEmpty(value) && !value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                yield return new ValidationResult("must be an https address unless Jwt:RequireHttpsMetadata is false.", [name]);
            }
        }

        if (KeyRefreshMinimumInterval > KeyRefreshInterval)
        {
            yield return new ValidationResult("must not be longer than Jwt:KeyRefreshInterval.", [nameof(KeyRefreshMinimumInterval)]);
        }
    }
}
