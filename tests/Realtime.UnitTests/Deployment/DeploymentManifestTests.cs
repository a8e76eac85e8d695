using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Hosting;
using Realtime.Grains.Inbox;
using Realtime.Grains.Notifications;
using Realtime.Grains.Presence;
using Realtime.Grains.Workspaces;
using Realtime.Silo.Hosting;
using YamlDotNet.RepresentationModel;

namespace Realtime.UnitTests.Deployment;

/// <summary>
/// What can be checked of deploy/ without Docker or a cluster: the files parse, and their ports,
/// probe paths, settings and project paths agree with the code.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class DeploymentManifestTests
{
    private static readonly string Root = HostProcess.SolutionRoot();
    private static readonly string DeployDirectory = Path.Combine(Root, "deploy");
    private static readonly string ComposeFile = Path.Combine(DeployDirectory, "compose", "compose.yaml");
    private static readonly string KubernetesDirectory = Path.Combine(DeployDirectory, "kubernetes");

    /// <summary>Options classes by configuration section: the only sections a deployment may set.</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [RealtimeClusterOptions.SectionName] = typeof(RealtimeClusterOptions),
        [RealtimeSiloOptions.SectionName] = typeof(RealtimeSiloOptions),
        [EdgeOptions.SectionName] = typeof(EdgeOptions),
        [JwtOptions.SectionName] = typeof(JwtOptions),
        [PresenceOptions.SectionName] = typeof(PresenceOptions),
        [NotificationOptions.SectionName] = typeof(NotificationOptions),
        [InboxOptions.SectionName] = typeof(InboxOptions),
        [StatsOptions.SectionName] = typeof(StatsOptions),
        [RecoveryOptions.SectionName] = typeof(RecoveryOptions),
        [TelemetryOptions.SectionName] = typeof(TelemetryOptions),
    };

    /// <summary>Settings that are not options classes: ASP.NET Core, .NET, Orleans Kubernetes hosting.</summary>
    private static readonly HashSet<string> PlatformVariables = new(StringComparer.Ordinal)
    {
        "Urls", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_gcServer",
        "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_CLUSTER_ID", "ORLEANS_SERVICE_ID",
    };

    private static readonly string[] ProbePaths = [HostEndpoints.Live, HostEndpoints.Ready, HostEndpoints.Health];

    // The code's ports: the options' defaults, which the shipped appsettings.json must not contradict.
    private static int SiloHttpPort => UrlsPort("Silo");

    private static int EdgeHttpPort => UrlsPort("EdgeGateway");

    private static int SiloPort => new RealtimeSiloOptions().SiloPort;

    private static int GatewayPort => new RealtimeClusterOptions().GatewayPort;

    private static int[] SiloPorts => [SiloHttpPort, SiloPort, GatewayPort];

    private static int[] EdgePorts => [EdgeHttpPort];

    [Fact]
    public void The_code_ports_are_the_documented_ones()
    {
        Assert.Equal(3101, SiloHttpPort);
        Assert.Equal(3001, EdgeHttpPort);
        Assert.Equal(11111, SiloPort);
        Assert.Equal(30000, GatewayPort);

        using var silo = AppSettings("Silo");
        Assert.Equal(SiloPort, silo.RootElement.GetProperty("Silo").GetProperty("SiloPort").GetInt32());
        Assert.Equal(GatewayPort, silo.RootElement.GetProperty("Cluster").GetProperty("GatewayPort").GetInt32());
        using var edge = AppSettings("EdgeGateway");
        Assert.Equal(GatewayPort, edge.RootElement.GetProperty("Cluster").GetProperty("GatewayPort").GetInt32());
    }

    [Fact]
    public void Every_yaml_file_under_deploy_parses()
    {
        var files = YamlFiles().ToList();

        Assert.Contains(ComposeFile, files);
        Assert.True(files.Count(f => f.StartsWith(KubernetesDirectory, StringComparison.Ordinal)) >= 5, "expected the Kubernetes manifests");
        foreach (var file in files)
        {
            var documents = Load(file);
            Assert.True(documents.Count > 0, $"{file}: no YAML document");
            Assert.All(documents, d => Assert.IsType<YamlMappingNode>(d.RootNode));
        }
    }

    [Fact]
    public void Every_kubernetes_object_names_its_kind_and_namespace()
    {
        foreach (var (file, root) in KubernetesObjects())
        {
            var kind = Scalar(root, "kind");
            Assert.False(string.IsNullOrEmpty(Scalar(root, "apiVersion")), $"{file}: {kind} without apiVersion");
            Assert.False(string.IsNullOrEmpty(Scalar(root, "metadata", "name")), $"{file}: {kind} without a name");
            if (kind != "Namespace")
            {
                Assert.Equal("realtime", Scalar(root, "metadata", "namespace"));
            }
        }

        var kinds = KubernetesObjects().Select(o => Scalar(o.Root, "kind")).ToHashSet();
        string[] expected = ["Namespace", "ConfigMap", "Secret", "StatefulSet", "Deployment", "Service", "PodDisruptionBudget", "ServiceAccount", "Role", "RoleBinding", "Ingress"];
        Assert.All(expected, k => Assert.Contains(k, kinds));
    }

    [Fact]
    public void Compose_services_listen_on_the_code_ports()
    {
        var services = ComposeServices();
        var silos = services.Where(s => s.Key.StartsWith("silo", StringComparison.Ordinal)).ToList();
        var edges = services.Where(s => s.Key.StartsWith("edge", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, silos.Count);
        Assert.Equal(2, edges.Count);

        foreach (var (name, service) in silos)
        {
            var environment = Environment(service);
            Assert.True(environment.TryGetValue("Urls", out var urls), $"{name}: no Urls");
            Assert.Equal(SiloHttpPort, new Uri(urls).Port);
            Assert.Equal(SiloPort.ToString(), environment.GetValueOrDefault("Silo__SiloPort", SiloPort.ToString()));
            Assert.Equal(GatewayPort.ToString(), environment.GetValueOrDefault("Cluster__GatewayPort", GatewayPort.ToString()));
            Assert.Equal("Redis", environment["Cluster__Clustering"]);
            Assert.Equal("Redis", environment["Silo__Persistence"]);
            Assert.Equal("Redis", environment["Silo__Reminders"]);
            Assert.Equal(SiloPorts.Order(), Ports(service, "expose").Order());
        }

        foreach (var (name, service) in edges)
        {
            var environment = Environment(service);
            Assert.True(environment.TryGetValue("Urls", out var urls), $"{name}: no Urls");
            Assert.Equal(EdgeHttpPort, new Uri(urls).Port);
            Assert.Equal("Redis", environment["Cluster__Clustering"]);
            Assert.Equal(EdgePorts, Ports(service, "expose"));
        }
    }

    [Fact]
    public void Compose_redis_keeps_an_append_only_file_synced_every_second_on_a_volume()
    {
        var redis = ComposeServices()["redis"];
        var options = RedisServerOptions(Sequence(redis, "command"));

        AssertAppendOnlySyncedEverySecondOrAlways("compose redis", options);

        // The redis image's working directory, unless --dir says otherwise, on a named volume.
        var dir = options.GetValueOrDefault("dir", "/data");
        var mount = Assert.Single(Sequence(redis, "volumes"), v => v.EndsWith($":{dir}", StringComparison.Ordinal));
        var root = (YamlMappingNode)Load(ComposeFile).Single().RootNode;
        Assert.NotNull(Child(root, "volumes", mount.Split(':')[0]));
    }

    [Fact]
    public void Kubernetes_redis_keeps_an_append_only_file_synced_every_second_on_a_persistent_volume()
    {
        var statefulSet = KubernetesObjects().Select(o => o.Root)
            .Single(o => Scalar(o, "kind") == "StatefulSet" && Scalar(o, "metadata", "name") == "redis");
        var container = Containers().Single(c => c.Name == "redis").Node;
        var options = RedisServerOptions(Sequence(container, "command").Concat(Sequence(container, "args")));

        AssertAppendOnlySyncedEverySecondOrAlways("kubernetes redis", options);

        Assert.True(options.TryGetValue("dir", out var dir), "kubernetes redis: no --dir for the append-only file");
        var mount = Nodes(container, "volumeMounts").Cast<YamlMappingNode>().Single(m => Scalar(m, "mountPath") == dir);
        var claim = Nodes(statefulSet, "spec", "volumeClaimTemplates").Cast<YamlMappingNode>()
            .SingleOrDefault(c => Scalar(c, "metadata", "name") == Scalar(mount, "name"));
        Assert.True(claim is not null, $"kubernetes redis: {dir} is not on a volume claim of the StatefulSet");
        Assert.False(string.IsNullOrEmpty(Scalar(claim, "spec", "resources", "requests", "storage")));
    }

    [Fact]
    public void Local_cluster_redis_keeps_an_append_only_file_synced_every_second()
    {
        var script = File.ReadAllText(Path.Combine(DeployDirectory, "local", "cluster.sh")).Replace("\\\n", " ", StringComparison.Ordinal);
        var starts = script.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("redis-server ", StringComparison.Ordinal)).ToList();

        var start = Assert.Single(starts);
        var options = RedisServerOptions(ShellWords(start));
        AssertAppendOnlySyncedEverySecondOrAlways("deploy/local/cluster.sh", options);
        Assert.True(options.ContainsKey("dir"), "deploy/local/cluster.sh: no --dir for the append-only file");
    }

    [Fact]
    public void Nginx_balances_the_edges_on_their_port_with_websockets()
    {
        var conf = File.ReadAllText(Path.Combine(DeployDirectory, "compose", "nginx.conf"));
        var servers = Regex.Matches(conf, @"^\s*server\s+(?<host>[\w.-]+):(?<port>\d+)", RegexOptions.Multiline);

        Assert.Equal(2, servers.Count);
        Assert.All(servers, s => Assert.Equal(EdgeHttpPort, int.Parse(s.Groups["port"].Value)));
        Assert.All(servers, s => Assert.Contains(s.Groups["host"].Value, ComposeServices().Keys));
        Assert.Contains("proxy_http_version 1.1;", conf);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", conf);
        Assert.Contains("proxy_set_header Connection", conf);
        Assert.Matches(@"proxy_read_timeout\s+3600s;", conf);
    }

    [Fact]
    public void Kubernetes_containers_listen_and_are_probed_on_the_code_ports()
    {
        var containers = Containers().ToList();
        var silo = Assert.Single(containers, c => c.Name == "silo");
        var edge = Assert.Single(containers, c => c.Name == "edge");

        foreach (var (container, expected, httpPort) in new[] { (silo, SiloPorts, SiloHttpPort), (edge, EdgePorts, EdgeHttpPort) })
        {
            var node = container.Node;
            var ports = Nodes(node, "ports").Cast<YamlMappingNode>().Select(p => int.Parse(Scalar(p, "containerPort")!));
            Assert.Equal(expected.Order(), ports.Order());
            foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            {
                var port = Scalar(node, probe, "httpGet", "port");
                Assert.True(port is not null, $"{container.Name}: no {probe}");
                Assert.Equal(httpPort, int.Parse(port));
            }

            Assert.Equal(httpPort, new Uri(EnvValue(node, "Urls")!).Port);
            Assert.NotNull(Child(node, "resources", "requests"));
            Assert.NotNull(Child(node, "resources", "limits"));
        }

        Assert.Equal("15", Scalar(edge.Node, "lifecycle", "preStop", "sleep", "seconds"));

        var config = ConfigMapData();
        Assert.Equal(SiloPort.ToString(), config.GetValueOrDefault("Silo__SiloPort", SiloPort.ToString()));
        Assert.Equal(GatewayPort.ToString(), config.GetValueOrDefault("Cluster__GatewayPort", GatewayPort.ToString()));

        var edgeService = KubernetesObjects().Select(o => o.Root)
            .Single(o => Scalar(o, "kind") == "Service" && Scalar(o, "metadata", "name") == "realtime-edge");
        var targetPort = Nodes(edgeService, "spec", "ports").Cast<YamlMappingNode>().Select(p => Scalar(p, "targetPort")).Single();
        Assert.Equal(EdgeHttpPort.ToString(), targetPort);
    }

    [Fact]
    public void Liveness_and_readiness_probe_paths_exist_in_the_code()
    {
        var probed = 0;
        foreach (var container in Containers().Where(c => c.Name is "silo" or "edge"))
        {
            Assert.Equal(HostEndpoints.Live, Scalar(container.Node, "livenessProbe", "httpGet", "path"));
            Assert.Equal(HostEndpoints.Live, Scalar(container.Node, "startupProbe", "httpGet", "path"));
            Assert.Equal(HostEndpoints.Ready, Scalar(container.Node, "readinessProbe", "httpGet", "path"));
            probed++;
        }

        Assert.Equal(2, probed);

        // Any other mention of a health path (Dockerfile HEALTHCHECKs, comments, docs) names a real one.
        var texts = YamlFiles().Concat(Dockerfiles()).Append(Path.Combine(DeployDirectory, "compose", "nginx.conf"));
        foreach (var file in texts)
        {
            foreach (Match path in Regex.Matches(File.ReadAllText(file), @"/health(/[a-z]+)?\b"))
            {
                Assert.True(ProbePaths.Contains(path.Value), $"{file}: {path.Value} is not served");
            }
        }

        foreach (var (_, root) in KubernetesObjects().Where(o => Scalar(o.Root, "kind") == "Deployment"))
        {
            Assert.Equal(HostEndpoints.Prometheus, Scalar(root, "spec", "template", "metadata", "annotations", "prometheus.io/path"));
        }
    }

    [Fact]
    public void Every_setting_names_a_real_option()
    {
        var settings = new List<(string Where, string Key, string Value)>();
        foreach (var (name, service) in ComposeServices())
        {
            settings.AddRange(Environment(service).Select(e => ($"compose {name}", e.Key, e.Value)));
        }

        foreach (var (file, root) in KubernetesObjects())
        {
            var kind = Scalar(root, "kind");
            if (kind is "ConfigMap" or "Secret")
            {
                foreach (var section in new[] { "data", "stringData" })
                {
                    if (Child(root, section) is YamlMappingNode data)
                    {
                        settings.AddRange(data.Children.Select(e => ($"{file} {kind}", ((YamlScalarNode)e.Key).Value!, (e.Value as YamlScalarNode)?.Value ?? "")));
                    }
                }
            }
        }

        foreach (var container in Containers())
        {
            settings.AddRange(Nodes(container.Node, "env").Cast<YamlMappingNode>()
                .Select(e => ($"container {container.Name}", Scalar(e, "name")!, Scalar(e, "value") ?? "")));
        }

        foreach (var dockerfile in Dockerfiles())
        {
            settings.AddRange(DockerfileEnv(dockerfile).Select(e => (Path.GetFileName(dockerfile), e.Key, e.Value)));
        }

        Assert.True(settings.Count > 20, "expected settings in compose, Kubernetes and the Dockerfiles");
        var problems = settings.Select(s => Problem(s.Key, s.Value) is { } problem ? $"{s.Where}: {s.Key}: {problem}" : null)
            .OfType<string>()
            .Distinct()
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Silo_pods_carry_the_cluster_identity_and_may_read_pods()
    {
        var config = ConfigMapData();
        var silo = KubernetesObjects().Select(o => o.Root)
            .Single(o => Scalar(o, "kind") == "Deployment" && Scalar(o, "metadata", "name") == "realtime-silo");
        var container = Containers().Single(c => c.Name == "silo").Node;

        Assert.Equal(config["Cluster__ClusterId"], Scalar(silo, "spec", "template", "metadata", "labels", "orleans/clusterId"));
        Assert.Equal(config["Cluster__ServiceId"], Scalar(silo, "spec", "template", "metadata", "labels", "orleans/serviceId"));
        Assert.Equal("true", EnvValue(container, nameof(RealtimeSiloOptions.KubernetesHosting), prefix: "Silo__"));
        Assert.Equal("metadata.name", Scalar(EnvEntry(container, "POD_NAME")!, "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Scalar(EnvEntry(container, "POD_NAMESPACE")!, "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Scalar(EnvEntry(container, "POD_IP")!, "valueFrom", "fieldRef", "fieldPath"));

        var account = Scalar(silo, "spec", "template", "spec", "serviceAccountName");
        var objects = KubernetesObjects().Select(o => o.Root).ToList();
        Assert.Contains(objects, o => Scalar(o, "kind") == "ServiceAccount" && Scalar(o, "metadata", "name") == account);
        var binding = objects.Single(o => Scalar(o, "kind") == "RoleBinding"
            && Nodes(o, "subjects").Cast<YamlMappingNode>().Any(s => Scalar(s, "name") == account));
        var role = objects.Single(o => Scalar(o, "kind") == "Role" && Scalar(o, "metadata", "name") == Scalar(binding, "roleRef", "name"));
        var podRule = Nodes(role, "rules").Cast<YamlMappingNode>().Single(r => Sequence(r, "resources").Contains("pods"));
        Assert.All(new[] { "get", "list", "watch" }, verb => Assert.Contains(verb, Sequence(podRule, "verbs")));

        foreach (var name in new[] { "realtime-silo", "realtime-edge" })
        {
            var budget = objects.Single(o => Scalar(o, "kind") == "PodDisruptionBudget" && Scalar(o, "metadata", "name") == name);
            Assert.Equal("1", Scalar(budget, "spec", "minAvailable"));
        }

        // Kubernetes hosting is opt-in: the embedded default stays as it was.
        Assert.False(new RealtimeSiloOptions().KubernetesHosting);
    }

    [Fact]
    public void Ingress_keeps_websockets_open_and_pins_other_transports_by_cookie()
    {
        var ingress = KubernetesObjects().Select(o => o.Root).Single(o => Scalar(o, "kind") == "Ingress");

        Assert.Equal("3600", Scalar(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-read-timeout"));
        Assert.Equal("3600", Scalar(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-send-timeout"));
        Assert.Equal("cookie", Scalar(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/affinity"));
    }

    [Theory]
    [InlineData("silo.Dockerfile", "Silo")]
    [InlineData("edge.Dockerfile", "EdgeGateway")]
    public void Dockerfiles_build_existing_projects_and_expose_the_code_ports(string dockerfile, string project)
    {
        var path = Path.Combine(DeployDirectory, "docker", dockerfile);
        var text = File.ReadAllText(path);
        var lines = DockerfileInstructions(path).ToList();

        // Every file copied from the build context (the repository root) exists.
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)))
        {
            var arguments = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
            foreach (var source in arguments.SkipLast(1))
            {
                Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"{dockerfile}: COPY {source} does not exist");
            }
        }

        var projectFile = $"src/{project}/{project}.csproj";
        Assert.True(File.Exists(Path.Combine(Root, projectFile)));
        Assert.Contains($"dotnet publish {projectFile} -c Release", text);
        foreach (Match command in Regex.Matches(text, @"dotnet (?:restore|publish) (?<path>\S+)"))
        {
            Assert.True(File.Exists(Path.Combine(Root, command.Groups["path"].Value)), $"{dockerfile}: {command.Value}");
        }

        // Every project the published one references is copied before the restore.
        foreach (var reference in ProjectClosure(Path.Combine(Root, projectFile)))
        {
            var relative = Path.GetRelativePath(Root, reference).Replace('\\', '/');
            Assert.Contains($"COPY {relative} ", text);
        }

        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", text);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", text);
        Assert.Contains(lines, l => l.StartsWith("USER ", StringComparison.Ordinal) && !l.Contains("root", StringComparison.Ordinal));

        var expose = lines.Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            .Select(int.Parse)
            .Order();
        var expected = project == "Silo" ? SiloPorts : EdgePorts;
        var httpPort = project == "Silo" ? SiloHttpPort : EdgeHttpPort;
        Assert.Equal(expected.Order(), expose);

        var healthcheck = Assert.Single(lines, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.Contains(HostEndpoints.Live, healthcheck);
        Assert.Contains($"/{httpPort}", healthcheck);

        var environment = DockerfileEnv(path);
        Assert.Equal($"http://0.0.0.0:{httpPort}", environment["Urls"]);
        Assert.Equal($"http://0.0.0.0:{httpPort}", environment["ASPNETCORE_URLS"]);

        // The started assembly is the project's, directly or through a copied entrypoint script.
        var assembly = Regex.Match(File.ReadAllText(Path.Combine(Root, projectFile)), "<AssemblyName>(.+)</AssemblyName>").Groups[1].Value;
        var started = text + string.Concat(Regex.Matches(text, @"deploy/docker/\S+\.sh").Select(m => File.ReadAllText(Path.Combine(Root, m.Value))));
        Assert.Contains($"/app/{assembly}.dll", started);
    }

    [Fact]
    public void Dockerignore_keeps_build_output_out_of_the_context()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore"));

        foreach (var pattern in new[] { "bin/", "obj/", "artifacts/", ".run/", "node_modules/" })
        {
            Assert.Contains(ignored, l => l.Trim().EndsWith(pattern, StringComparison.Ordinal));
        }
    }

    /// <summary>Why <paramref name="key"/>=<paramref name="value"/> is not a setting the code reads; null when it is.</summary>
    private static string? Problem(string key, string value)
    {
        var parts = key.Split("__");
        if (parts.Length == 1)
        {
            return PlatformVariables.Contains(key) ? null : "not a Section__Key setting nor a known platform variable";
        }

        if (parts[0] == "Logging")
        {
            return null;
        }

        if (!Sections.TryGetValue(parts[0], out var type))
        {
            return $"no options class reads section {parts[0]}";
        }

        var property = type.GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || !property.CanWrite)
        {
            return $"{type.Name} has no settable property {parts[1]}";
        }

        if (parts.Length > 2 && !property.PropertyType.IsArray)
        {
            return $"{type.Name}.{property.Name} is not a list";
        }

        var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (propertyType.IsEnum && !value.Contains("${", StringComparison.Ordinal) && !Enum.TryParse(propertyType, value, ignoreCase: true, out _))
        {
            return $"{value} is not one of {string.Join(", ", Enum.GetNames(propertyType))}";
        }

        if ((propertyType == typeof(int) && !int.TryParse(value, out _)) || (propertyType == typeof(bool) && !bool.TryParse(value, out _)))
        {
            return $"{value} is not a {propertyType.Name}";
        }

        return null;
    }

    /// <summary>
    /// What a Redis needs so that no acknowledged write (an accepted notification) is lost when it
    /// restarts: every write in the append-only file, synced at least every second.
    /// </summary>
    private static void AssertAppendOnlySyncedEverySecondOrAlways(string where, IReadOnlyDictionary<string, string> options)
    {
        Assert.True(options.GetValueOrDefault("appendonly") == "yes", $"{where}: redis-server without --appendonly yes");
        var fsync = options.GetValueOrDefault("appendfsync");
        Assert.True(fsync is "everysec" or "always", $"{where}: --appendfsync must be everysec or always, not {fsync ?? "left to the server's config"}");
    }

    /// <summary>redis-server's "--name value" arguments by name, from the words of its command line.</summary>
    private static Dictionary<string, string> RedisServerOptions(IEnumerable<string> words)
    {
        var arguments = words.SkipWhile(w => w != "redis-server").Skip(1).ToList();
        Assert.True(arguments.Count > 0, "no redis-server command line");
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].StartsWith("--", StringComparison.Ordinal))
            {
                var hasValue = i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal);
                options[arguments[i][2..]] = hasValue ? arguments[++i] : "";
            }
        }

        return options;
    }

    /// <summary>A shell command's words, quotes removed, up to its first redirection or "&amp;".</summary>
    private static IEnumerable<string> ShellWords(string command) =>
        Regex.Matches(command, "\"[^\"]*\"|\\S+")
            .Select(m => m.Value)
            .TakeWhile(w => !Regex.IsMatch(w, @"^(\d*[<>]|&)"))
            .Select(w => w.Trim('"'));

    private static int UrlsPort(string project)
    {
        using var settings = AppSettings(project);
        return new Uri(settings.RootElement.GetProperty("Urls").GetString()!).Port;
    }

    private static JsonDocument AppSettings(string project) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "src", project, "appsettings.json")));

    private static IEnumerable<string> YamlFiles() =>
        Directory.EnumerateFiles(DeployDirectory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order();

    private static IEnumerable<string> Dockerfiles() =>
        Directory.EnumerateFiles(Path.Combine(DeployDirectory, "docker"), "*.Dockerfile").Order();

    private static IReadOnlyList<YamlDocument> Load(string file)
    {
        using var reader = new StreamReader(file);
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents];
    }

    private static IEnumerable<(string File, YamlMappingNode Root)> KubernetesObjects() =>
        Directory.EnumerateFiles(KubernetesDirectory, "*.yaml").Order()
            .SelectMany(f => Load(f).Select(d => (Path.GetFileName(f), (YamlMappingNode)d.RootNode)));

    private static IEnumerable<(string Name, YamlMappingNode Node)> Containers() =>
        KubernetesObjects()
            .Where(o => Scalar(o.Root, "kind") is "Deployment" or "StatefulSet")
            .SelectMany(o => Nodes(o.Root, "spec", "template", "spec", "containers").Cast<YamlMappingNode>())
            .Select(c => (Scalar(c, "name")!, c));

    private static Dictionary<string, string> ConfigMapData()
    {
        var configMap = KubernetesObjects().Select(o => o.Root).Single(o => Scalar(o, "kind") == "ConfigMap");
        return ((YamlMappingNode)Child(configMap, "data")!).Children
            .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);
    }

    private static Dictionary<string, YamlMappingNode> ComposeServices()
    {
        var root = (YamlMappingNode)Load(ComposeFile).Single().RootNode;
        return ((YamlMappingNode)Child(root, "services")!).Children
            .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => (YamlMappingNode)e.Value);
    }

    /// <summary>A compose service's environment, in map or list ("KEY=value") form.</summary>
    private static Dictionary<string, string> Environment(YamlMappingNode service) => Child(service, "environment") switch
    {
        YamlMappingNode map => map.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? ""),
        YamlSequenceNode list => list.Children.Cast<YamlScalarNode>().Select(s => s.Value!.Split('=', 2)).ToDictionary(p => p[0], p => p.ElementAtOrDefault(1) ?? ""),
        _ => [],
    };

    private static IEnumerable<int> Ports(YamlMappingNode service, string key) => Sequence(service, key).Select(int.Parse);

    private static YamlMappingNode? EnvEntry(YamlMappingNode container, string name) =>
        Nodes(container, "env").Cast<YamlMappingNode>().SingleOrDefault(e => Scalar(e, "name") == name);

    private static string? EnvValue(YamlMappingNode container, string name, string prefix = "") =>
        EnvEntry(container, prefix + name) is { } entry ? Scalar(entry, "value") : null;

    private static YamlNode? Child(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    private static string? Scalar(YamlNode node, params string[] path) => (Child(node, path) as YamlScalarNode)?.Value;

    /// <summary>The scalars of a sequence; empty when absent.</summary>
    private static IEnumerable<string> Sequence(YamlNode node, params string[] path) =>
        Nodes(node, path).OfType<YamlScalarNode>().Select(s => s.Value!);

    /// <summary>The nodes of a sequence; empty when absent.</summary>
    private static IEnumerable<YamlNode> Nodes(YamlNode node, params string[] path) =>
        Child(node, path) is YamlSequenceNode sequence ? sequence.Children : [];

    /// <summary>Dockerfile instructions, continuation lines joined, comments dropped.</summary>
    private static IEnumerable<string> DockerfileInstructions(string path)
    {
        var current = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            yield return current + line;
            current = "";
        }
    }

    private static Dictionary<string, string> DockerfileEnv(string path) =>
        DockerfileInstructions(path)
            .Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(a => a.Split('=', 2))
            .ToDictionary(p => p[0], p => p.ElementAtOrDefault(1) ?? "");

    /// <summary>The project file and every project it references, transitively.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (Match reference in Regex.Matches(File.ReadAllText(current), "<ProjectReference Include=\"([^\"]+)\""))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Groups[1].Value.Replace('\\', '/'))));
            }
        }

        return seen;
    }
}
