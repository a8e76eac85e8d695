using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;
using Realtime.Silo.Hosting;

namespace Realtime.UnitTests.Configuration;

/// <summary>Section "OrleansDashboard" is checked at start, and who gets the dashboard follows it.</summary>
[Trait("Kind", "Unit")]
public sealed class OrleansDashboardOptionsTests
{
    [Theory]
    [InlineData("Path", "orleans")]
    [InlineData("Path", "/orleans/")]
    [InlineData("Path", "/")]
    [InlineData("Path", "/health")]
    [InlineData("Path", "/prometheus/orleans")]
    [InlineData("Password", "short")]
    public void A_bad_setting_stops_the_silo_naming_it(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"OrleansDashboard:{setting}"] = value })
            .Build();

        var error = Assert.Throws<OptionsValidationException>(() => configuration.GetValidated<OrleansDashboardOptions>(OrleansDashboardOptions.SectionName));
        Assert.Contains($"OrleansDashboard:{setting}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.9.8.7", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("::ffff:10.0.0.5", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("fe80::1", false)]
    public void Without_a_password_only_loopback_addresses_get_in(string address, bool allowed)
    {
        var access = new OrleansDashboardAccess(new OrleansDashboardOptions());

        var verdict = access.Decide(IPAddress.Parse(address), authorization: null);

        Assert.Equal(allowed ? OrleansDashboardAccess.Verdict.Allowed : OrleansDashboardAccess.Verdict.NotLoopback, verdict);
    }

    [Fact]
    public void Without_an_address_a_connection_is_not_loopback()
    {
        Assert.Equal(OrleansDashboardAccess.Verdict.NotLoopback, new OrleansDashboardAccess(new OrleansDashboardOptions()).Decide(null, null));
    }

    [Theory]
    [InlineData("admin:0123456789abcdef", true)]
    [InlineData("admin:0123456789abcdeF", false)]
    [InlineData("root:0123456789abcdef", false)]
    [InlineData("admin:", false)]
    public void With_a_password_every_address_needs_the_admin_credentials(string credentials, bool allowed)
    {
        var access = new OrleansDashboardAccess(new OrleansDashboardOptions { Password = "0123456789abcdef" });
        var header = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials));

        foreach (var address in new[] { IPAddress.Loopback, IPAddress.Parse("10.0.0.5") })
        {
            Assert.Equal(allowed ? OrleansDashboardAccess.Verdict.Allowed : OrleansDashboardAccess.Verdict.NeedsCredentials, access.Decide(address, header));
        }

        Assert.Equal(OrleansDashboardAccess.Verdict.NeedsCredentials, access.Decide(IPAddress.Loopback, "Basic not-base64!"));
        Assert.Equal(OrleansDashboardAccess.Verdict.NeedsCredentials, access.Decide(IPAddress.Loopback, null));
    }
}
