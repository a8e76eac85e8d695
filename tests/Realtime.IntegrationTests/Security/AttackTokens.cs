using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Realtime.EdgeGateway.Identity;

namespace Realtime.IntegrationTests.Security;

/// <summary>Tokens an attacker might hold: expired, signed with another key, edited after signing.</summary>
public static class AttackTokens
{
    private const string WrongKey = "a-key-the-edge-has-never-seen-but-long-enough";

    /// <summary>Valid in every way but its lifetime, which ended an hour ago.</summary>
    public static string Expired(string userId, IReadOnlyCollection<string> workspaces, IReadOnlyCollection<string> roles) =>
        new DevelopmentTokenIssuer(RealtimeSystem.JwtSettings, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)))
            .Issue(userId, workspaces, roles, TimeSpan.FromMinutes(5));

    public static string SignedWithAnotherKey(string userId, IReadOnlyCollection<string> workspaces, IReadOnlyCollection<string> roles) =>
        new DevelopmentTokenIssuer(
                new JwtOptions { Issuer = RealtimeSystem.Issuer, Audience = RealtimeSystem.Audience, SigningKey = WrongKey },
                TimeProvider.System)
            .Issue(userId, workspaces, roles, TimeSpan.FromMinutes(5));

    /// <summary>A genuine token whose payload was edited afterwards (more workspaces, a stronger role); the signature is the original.</summary>
    public static string WithAlteredClaims(string genuine, IReadOnlyCollection<string> workspaces, string role)
    {
        var parts = genuine.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload[RealtimeClaims.Workspaces] = new JsonArray([.. workspaces.Select(w => JsonValue.Create(w))]);
        payload[RealtimeClaims.Role] = role;
        parts[1] = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return string.Join('.', parts);
    }
}
