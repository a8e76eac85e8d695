using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Identity;

namespace Realtime.UnitTests.Security;

/// <summary>A bad Jwt setting stops the edge at start, with a message naming the setting.</summary>
[Trait("Kind", "Unit")]
public sealed class JwtOptionsValidationTests
{
    [Theory]
    [InlineData("Jwt:Authority", "http://id.example.test", "Jwt:Authority")]
    [InlineData("Jwt:MetadataAddress", "http://id.example.test/.well-known/openid-configuration", "Jwt:MetadataAddress")]
    [InlineData("Jwt:SigningKey", "too-short", "Jwt:SigningKey")]
    [InlineData("Jwt:ClockSkew", "01:00:00", "Jwt:ClockSkew")]
    [InlineData("Jwt:KeyRefreshMinimumInterval", "1.00:00:00", "Jwt:KeyRefreshMinimumInterval")]
    public void A_bad_value_is_refused_naming_the_setting(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Jwt:Issuer"] = "i",
            ["Jwt:Audience"] = "a",
            ["Jwt:SigningKey"] = RealtimeSystem.SigningKey,
            ["Jwt:KeyRefreshInterval"] = "01:00:00",
            [key] = value,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var error = Assert.Throws<OptionsValidationException>(() => Jwt(configuration));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_http_authority_is_allowed_when_https_metadata_is_not_required()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jwt:Issuer"] = "i",
            ["Jwt:Audience"] = "a",
            ["Jwt:Authority"] = "http://127.0.0.1:5000",
            ["Jwt:RequireHttpsMetadata"] = "false",
        }).Build();

        var jwt = Jwt(configuration);

        Assert.True(jwt.UsesAuthority);
    }

    /// <summary>The Jwt settings as the edge's services read them (what start-time validation resolves).</summary>
    private static JwtOptions Jwt(IConfiguration configuration)
    {
        using var services = new ServiceCollection().AddRealtimeAuthentication(configuration, []).BuildServiceProvider();
        return services.GetRequiredService<IOptions<JwtOptions>>().Value;
    }
}
