using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Realtime.Grains.Hosting;
using Realtime.Grains.Presence;
using Realtime.Grains.Workspaces;
using Realtime.Silo.Hosting;

namespace Realtime.UnitTests.Configuration;

/// <summary>
/// Grain state is written in Orleans' binary format (a large workspace's JSON write held its grain
/// for over a second under load), and state written earlier in Orleans' default JSON still reads.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class GrainStorageFormatTests
{
    [Fact]
    public void State_is_written_in_binary_and_state_written_as_json_before_still_reads()
    {
        using var silo = BuildSilo();
        var storage = silo.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get(StorageNames.Realtime).GrainStorageSerializer;
        var json = new JsonGrainStorageSerializer(silo.Services.GetRequiredService<OrleansJsonSerializer>());
        var state = new WorkspaceState();
        state.Members["alice"] = new WorkspaceMember(
            new UserPresence("alice", "ws-1", PresenceStatus.Online, "/inbox", new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), 2, null),
            new Dictionary<string, int> { ["edge-a"] = 2 });

        var written = storage.Serialize(state);
        Assert.NotEqual((byte)'{', written.ToMemory().Span[0]);
        Assert.True(written.ToMemory().Length < json.Serialize(state).ToMemory().Length, "binary state should be smaller than its JSON");

        foreach (var stored in new[] { written, json.Serialize(state) })
        {
            var member = Assert.Single(storage.Deserialize<WorkspaceState>(stored)!.Members).Value;
            Assert.Equal(state.Members["alice"].Presence, member.Presence);
            Assert.Equal(2, member.ConnectionsPerEdge["edge-a"]);
        }
    }

    private static IHost BuildSilo()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.AddRealtimeSilo();
        return builder.Build();
    }
}
