using System.Text.Json;
using System.Text.RegularExpressions;
using Realtime.SystemTests.Infrastructure;

namespace Realtime.SystemTests.Clients;

/// <summary>
/// The npm package @realtime-orleans/client (clients/js): its own node:test suites, the
/// integration one against a running edge (a real event round trip on every hub, a reconnect
/// after the server closed the connections, MessagePack, broadcasts recovered after a cut by
/// their recoveryPosition, and a position refused surfaced to the app), and the packed tarball installed into a
/// new project whose typed code must type-check, and whose deliberate mistakes must not.
/// </summary>
[Trait("Kind", "System")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class JsClientPackageTests(EmbeddedSystemFixture fixture)
{
    private const string PackageDirectory = "clients/js";
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(4);
    private static readonly SemaphoreSlim Built = new(1, 1);
    private static bool _built;

    [Fact]
    public async Task The_package_s_unit_tests_pass()
    {
        await BuildPackageAsync();

        var (exitCode, output) = await RunAsync(PackageDirectory, "npm", ["test"]);

        Assert.True(exitCode == 0, $"npm test failed ({exitCode}):\n{output}");
        Assert.Equal(0, Count(output, "fail"));
        Assert.True(Count(output, "pass") >= 10, output);
    }

    [Fact]
    public async Task The_package_round_trips_events_on_every_hub_of_a_real_edge_and_recovers_after_the_server_closes_it()
    {
        await BuildPackageAsync();

        var (exitCode, output) = await RunAsync(PackageDirectory, "npm", ["run", "test:integration"], new Dictionary<string, string>
        {
            ["REALTIME_URL"] = fixture.System.EdgeUrls[0].ToString(),
        });

        Assert.True(exitCode == 0, $"the package's integration tests failed ({exitCode}):\n{output}");
        Assert.Equal(0, Count(output, "fail"));
        string[] covered = ["/realtime:", "/presence:", "/notifications:", "/dashboard:", "/metrics:", "/inbox:", "after the server closes every connection", "after its socket breaks", "MessagePack:",
            "recovery after its socket breaks:", "recovery after the server closes the connection:", "recovery refused:"];
        foreach (var test in covered)
        {
            Assert.Matches(new Regex($"^ok \\d+ - {Regex.Escape(test)}", RegexOptions.Multiline), output);
        }
    }

    [Fact]
    public async Task The_packed_tarball_installs_into_a_new_project_whose_typed_code_checks_and_whose_mistakes_do_not()
    {
        await BuildPackageAsync();
        var project = Directory.CreateTempSubdirectory("realtime-js-consumer-");
        try
        {
            var (packed, packOutput) = await RunAsync(PackageDirectory, "npm", ["pack", "--silent", "--pack-destination", project.FullName]);
            Assert.True(packed == 0, $"npm pack failed:\n{packOutput}");
            var tarball = Assert.Single(project.GetFiles("realtime-orleans-client-*.tgz"));
            foreach (var file in Directory.GetFiles(Path.Combine(HostProcess.SolutionRoot(), PackageDirectory, "consumer-sample")))
            {
                File.Copy(file, Path.Combine(project.FullName, Path.GetFileName(file)));
            }

            var (installed, installOutput) = await RunAsync(project.FullName, "npm",
                ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball.FullName, $"typescript@{PackageTypeScriptVersion()}"]);
            Assert.True(installed == 0, $"npm install of the tarball failed:\n{installOutput}");
            Assert.True(File.Exists(Path.Combine(project.FullName, "node_modules", "@realtime-orleans", "client", "dist", "index.d.ts")), "the tarball carries the type declarations");

            var (checkedOk, checkOutput) = await RunAsync(project.FullName, "npx", ["tsc", "-p", "."]);
            Assert.True(checkedOk == 0, $"the sample does not type-check against the package:\n{checkOutput}");

            // The same sample with one deliberate mistake no longer marked as expected must fail.
            var sample = Path.Combine(project.FullName, "sample.ts");
            var lines = await File.ReadAllLinesAsync(sample);
            await File.WriteAllLinesAsync(sample, lines.Where(l => !l.Contains("notifications have no \"titel\"", StringComparison.Ordinal)));
            var (failed, failOutput) = await RunAsync(project.FullName, "npx", ["tsc", "-p", "."]);
            Assert.NotEqual(0, failed);
            Assert.Contains("Property 'titel' does not exist on type 'Notification'", failOutput, StringComparison.Ordinal);
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    /// <summary>The closing count of node's test runner, e.g. "# pass 13".</summary>
    private static int Count(string output, string what)
    {
        var match = Regex.Match(output, $"^# {what} (\\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no \"# {what}\" line in:\n{output}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string PackageTypeScriptVersion()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(HostProcess.SolutionRoot(), PackageDirectory, "package.json")));
        return package.RootElement.GetProperty("devDependencies").GetProperty("typescript").GetString()!;
    }

    /// <summary>The package's dependencies (from its lock file) and dist/ (tsc), once per test run.</summary>
    private static async Task BuildPackageAsync()
    {
        await Built.WaitAsync();
        try
        {
            if (_built)
            {
                return;
            }

            if (!File.Exists(Path.Combine(HostProcess.SolutionRoot(), PackageDirectory, "node_modules", ".package-lock.json")))
            {
                var (installed, output) = await RunAsync(PackageDirectory, "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
                Assert.True(installed == 0, $"npm ci in clients/js failed:\n{output}");
            }

            var (exitCode, buildOutput) = await RunAsync(PackageDirectory, "npm", ["run", "build:package"]);
            Assert.True(exitCode == 0, $"tsc in clients/js failed:\n{buildOutput}");
            _built = true;
        }
        finally
        {
            Built.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var process = HostProcess.StartProgram(directory, program, arguments, environment ?? new Dictionary<string, string>());
        try
        {
            var exitCode = await process.WaitForExitAsync(NpmTimeout);
            return (exitCode, process.Output);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran over {NpmTimeout}:\n{process.Output}");
        }
    }
}
