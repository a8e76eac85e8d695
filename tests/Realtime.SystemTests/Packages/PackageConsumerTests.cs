using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;
using Realtime.Grains.Notifications;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.Packages;

/// <summary>
/// The NuGet packages as a user gets them: packed from this build, restored by tests/PackageConsumer
/// from a local folder feed (third-party packages from nuget.org), and run against a running
/// system. What the consumer's backend sends through AddRealtimeCluster and the HTTP API client,
/// the consumer's RealtimeClient receives.
/// </summary>
[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class PackageConsumerTests(EmbeddedSystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly string[] Packages = ["Realtime.Orleans.Grains.Interfaces", "Realtime.Orleans.Backend", "Realtime.Orleans.Client"];

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("realtime-package-consumer-");

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task A_consumer_of_the_packed_packages_sends_notifications_through_the_cluster_and_the_http_api()
    {
        var feed = _work.CreateSubdirectory("feed").FullName;
        var version = await PackAsync(feed);
        foreach (var package in Packages)
        {
            using var nupkg = ZipFile.OpenRead(Path.Combine(feed, $"{package}.{version}.nupkg"));
            Assert.Contains(nupkg.Entries, e => e.FullName == "README.md");
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{version}.snupkg")), $"{package}'s symbols package");
        }

        var consumer = await BuildConsumerAsync(feed, version);
        var steps = await RunConsumerAsync(consumer);

        Assert.Equal(["connected", "cluster", "http", "refused"], steps.Keys);
        Assert.Equal(_workspaceId, steps["connected"].GetProperty("workspaceId").GetString());
        Assert.True(steps["cluster"].GetProperty("received").GetBoolean());
        Assert.True(steps["http"].GetProperty("received").GetBoolean());
        Assert.NotEqual(steps["cluster"].GetProperty("id").GetString(), steps["http"].GetProperty("id").GetString());
        Assert.Equal(400, steps["refused"].GetProperty("status").GetInt32());
        Assert.Equal(["title"], steps["refused"].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));

        // What the consumer's backend sent is in the user's notifications, as the cluster keeps them.
        var page = await new NotificationService(System.SiloService<IGrainFactory>()).GetNotifications("alice", _workspaceId);
        Assert.Equal([steps["http"].GetProperty("id").GetString(), steps["cluster"].GetProperty("id").GetString()], page.Notifications.Select(n => n.Id));
    }

    public void Dispose() => _work.Delete(recursive: true);

    /// <summary>Packs this build's packages with a version of their own, so no cached package of the same version is taken instead.</summary>
    private static async Task<string> PackAsync(string feed)
    {
        var suffix = "consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        await RunAsync(HostProcess.SolutionRoot(), "dotnet", ["pack", "Realtime.Orleans.Packages.slnf", "-c", HostProcess.BuildConfiguration(), "--no-build", "-o", feed, $"-p:VersionSuffix={suffix}", "-nologo", "-v", "quiet"]);
        var backend = Directory.GetFiles(feed, $"{Packages[^1]}.*.nupkg").Single();
        return Path.GetFileNameWithoutExtension(backend)[(Packages[^1].Length + 1)..];
    }

    /// <summary>
    /// A copy of tests/PackageConsumer with a nuget.config of its own: the packages from the feed,
    /// extracted into a folder of this test (the user's package folder is only read, as a fallback).
    /// </summary>
    private async Task<string> BuildConsumerAsync(string feed, string version)
    {
        var source = Path.Combine(HostProcess.SolutionRoot(), "tests", "PackageConsumer");
        var directory = _work.CreateSubdirectory("consumer").FullName;
        foreach (var file in Directory.GetFiles(source).Where(f => Path.GetFileName(f) != "nuget.config"))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_work.FullName, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <clear />
                <add key="user" value="{userPackages}" />
              </fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="Realtime.Orleans.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        await RunAsync(directory, "dotnet", ["build", "-c", "Release", $"-p:RealtimePackageVersion={version}", "-nologo", "-v", "quiet"]);
        return Path.Combine(directory, "bin", "Release", "net10.0", "PackageConsumer.dll");
    }

    private async Task<Dictionary<string, JsonElement>> RunConsumerAsync(string consumer)
    {
        var cluster = System.SiloService<IOptions<RealtimeClusterOptions>>().Value;
        var output = await RunAsync(Path.GetDirectoryName(consumer)!, "dotnet", [consumer], new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = cluster.ClusterId,
            ["Cluster__ServiceId"] = cluster.ServiceId,
            ["Cluster__GatewayPort"] = cluster.GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["RealtimeApi__BaseAddress"] = System.EdgeUrls[0].ToString(),
            ["RealtimeApi__ServiceToken"] = System.Tokens.Issue("package-consumer", [], ["service"], TimeSpan.FromMinutes(5)),
            ["RealtimeClient__EdgeUrl"] = System.EdgeUrls[0].ToString(),
            ["RealtimeClient__WorkspaceId"] = _workspaceId,
            ["RealtimeClient__AccessToken"] = System.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromMinutes(5)),
            ["CONSUMER_USER"] = "alice",
        });
        return output.Split('\n')
            .Where(line => line.StartsWith("{\"step\"", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToDictionary(line => line.GetProperty("step").GetString()!, line => line.GetProperty("result"));
    }

    /// <summary>Runs a command to its end; its output, or a failure with it.</summary>
    private static async Task<string> RunAsync(string directory, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var process = HostProcess.StartProgram(directory, program, arguments, environment ?? new Dictionary<string, string>());
        var exitCode = await process.WaitForExitAsync(CommandTimeout);
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {exitCode}:\n{process.Output}");
        return process.Output;
    }
}
