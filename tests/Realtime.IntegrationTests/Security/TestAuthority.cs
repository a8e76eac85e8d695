using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.EdgeGateway.Identity;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// A tiny OpenID Connect authority on a loopback Kestrel: a discovery document and a JWKS with
/// one RSA key at a time, which <see cref="Rotate"/> replaces, as an identity provider does.
/// </summary>
public sealed class TestAuthority : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile SigningKey _current = SigningKey.Create("key-1");

    private TestAuthority(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public static async Task<TestAuthority> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var authority = new TestAuthority(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = authority.Url,
            ["jwks_uri"] = authority.Url + "/jwks",
        }));
        app.MapGet("/jwks", () => Results.Json(new { keys = new[] { authority._current.Jwk } }));
        await app.StartAsync();
        return authority;
    }

    /// <summary>Publishes a new key instead of the current one; the old one is no longer published.</summary>
    public string Rotate(string keyId)
    {
        var old = _current;
        _current = SigningKey.Create(keyId);
        old.Rsa.Dispose();
        return keyId;
    }

    /// <summary>A token of this authority signed with its current key.</summary>
    public string Issue(string userId, IReadOnlyCollection<string> workspaces, IReadOnlyCollection<string> roles)
    {
        var now = DateTime.UtcNow;
        var key = _current;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Url,
            Audience = RealtimeSystem.Audience,
            Claims = new Dictionary<string, object>
            {
                [RealtimeClaims.UserId] = userId,
                [RealtimeClaims.Workspaces] = workspaces.ToArray(),
                [RealtimeClaims.Role] = roles.ToArray(),
            },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _current.Rsa.Dispose();
    }

    private sealed record SigningKey(string KeyId, RSA Rsa, Dictionary<string, string> Jwk)
    {
        public static SigningKey Create(string keyId)
        {
            var rsa = RSA.Create(2048);
            var parameters = rsa.ExportParameters(includePrivateParameters: false);
            return new SigningKey(keyId, rsa, new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = keyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            });
        }
    }
}
