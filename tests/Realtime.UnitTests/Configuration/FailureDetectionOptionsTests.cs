using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Realtime.Silo.Hosting;

namespace Realtime.UnitTests.Configuration;

/// <summary>
/// How fast the cluster gives up on a dead silo is configuration: tighter defaults than Orleans'
/// (which took ~30 s on two silos), overridable per setting, and a bad value stops the process.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class FailureDetectionOptionsTests
{
    [Fact]
    public void A_silo_probes_every_two_seconds_and_waits_thirty_seconds_for_an_answer_by_default()
    {
        using var silo = BuildSilo([]);

        var membership = silo.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout);
        Assert.Equal(3, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public void Every_membership_setting_can_be_overridden_in_the_silo_membership_section()
    {
        using var silo = BuildSilo(new()
        {
            ["Silo:Membership:ProbeTimeout"] = "00:00:05",
            ["Silo:Membership:NumMissedProbesLimit"] = "4",
            ["Silo:Membership:DeathVoteExpirationTimeout"] = "00:01:00",
            ["Cluster:ResponseTimeout"] = "00:00:45",
        });

        var membership = silo.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), membership.ProbeTimeout);
        Assert.Equal(4, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromMinutes(1), membership.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("01:00:00")]
    [InlineData("soon")]
    public void A_response_timeout_out_of_range_stops_the_silo_naming_the_setting(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => BuildSilo(new() { ["Cluster:ResponseTimeout"] = value }));

        Assert.Contains("Cluster:", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResponseTimeout", error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRealtimeSilo();
        return builder.Build();
    }
}
