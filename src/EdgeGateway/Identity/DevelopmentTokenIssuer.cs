using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// Mints HS256 tokens signed with the configured development key, for the embedded default
/// and for tests. Production tokens come from the platform's identity provider.
/// </summary>
public sealed class DevelopmentTokenIssuer(JwtOptions options, TimeProvider timeProvider)
{
    public string Issue(string userId, IReadOnlyCollection<string> workspaces, IReadOnlyCollection<string> roles, TimeSpan lifetime)
    {
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException("Jwt:SigningKey is not set: development tokens need a shared key.");
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [RealtimeClaims.UserId] = userId,
            [RealtimeClaims.Workspaces] = workspaces.ToArray(),
        };
        if (roles.Count > 0)
        {
            claims[RealtimeClaims.Role] = roles.ToArray();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
