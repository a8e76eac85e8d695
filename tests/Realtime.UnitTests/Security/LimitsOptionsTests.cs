using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Limits;

namespace Realtime.UnitTests.Security;

/// <summary>Edge:Limits is validated at start; a bad value stops the edge naming the setting.</summary>
[Trait("Kind", "Unit")]
public sealed class LimitsOptionsTests
{
    [Theory]
    [InlineData("MaxMessageBytes", "0", "Edge:Limits:MaxMessageBytes")]
    [InlineData("MaxConnectionsPerUser", "-1", "Edge:Limits:MaxConnectionsPerUser")]
    [InlineData("MaxIdLength", "500", "Edge:Limits:MaxIdLength")]
    [InlineData("EventBurstPerConnection", "1", "Edge:Limits:EventBurstPerConnection")]
    [InlineData("EventsPerSecondPerUser", "many", "Edge:Limits")]
    public void A_bad_value_is_refused_naming_the_setting(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Edge:Limits:{key}"] = value })
            .Build();

        // A value out of range fails validation; one that is no number at all fails binding. Both name the setting.
        var refused = Record.Exception(() => Limits(configuration));

        Assert.NotNull(refused);
        Assert.True(refused is OptionsValidationException or InvalidOperationException, refused.ToString());
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        var limits = Limits(new ConfigurationBuilder().Build());

        Assert.Equal(32 * 1024, limits.MaxMessageBytes);
        Assert.True(limits.EventBurstPerConnection >= limits.EventsPerSecondPerConnection);
    }

    /// <summary>The limits as the edge's services read them (what start-time validation resolves).</summary>
    private static EdgeLimitsOptions Limits(IConfiguration configuration)
    {
        using var services = new ServiceCollection().AddEdgeLimits(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<EdgeLimitsOptions>>().Value;
    }
}
