using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// How tokens are checked. Section "Jwt". Either a shared HS256 <see cref="SigningKey"/> or an
/// <see cref="Authority"/> whose published signing keys are fetched (production).
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

    /// <summary>OpenID Connect authority publishing signing keys; used instead of SigningKey when set.</summary>
    [Url]
    public string? Authority { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Authority) && string.IsNullOrEmpty(SigningKey))
        {
            yield return new ValidationResult("is required unless Jwt:Authority is set.", [nameof(SigningKey)]);
        }
        else if (!string.IsNullOrEmpty(SigningKey) && Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            yield return new ValidationResult("must be at least 32 bytes for HS256.", [nameof(SigningKey)]);
        }
    }
}
