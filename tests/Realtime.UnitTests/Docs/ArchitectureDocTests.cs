using System.Reflection;
using System.Text.RegularExpressions;
using Realtime.Grains.Presence;

namespace Realtime.UnitTests.Docs;

/// <summary>
/// Keeps docs/architecture.md true to the grain contracts: every grain interface of
/// Grains.Interfaces (found by reflection) has its section listing exactly its methods, and every
/// grain method the page names (as <c>Grain.Method</c>, or as a call to a grain in a sequence
/// diagram) exists.
/// </summary>
[Trait("Kind", "Unit")]
public sealed partial class ArchitectureDocTests
{
    private static readonly string DocPath = Path.Combine(HostProcess.SolutionRoot(), "docs", "architecture.md");

    private static readonly string Doc = File.ReadAllText(DocPath).ReplaceLineEndings("\n");

    /// <summary>Grain interfaces by the name of the grain class (IUserPresenceGrain -> UserPresenceGrain).</summary>
    private static readonly Dictionary<string, Type> Grains = typeof(IUserPresenceGrain).Assembly.GetTypes()
        .Where(t => t.IsInterface && t.IsPublic && typeof(IGrain).IsAssignableFrom(t) && t.Name.StartsWith('I'))
        .ToDictionary(t => t.Name[1..], StringComparer.Ordinal);

    [Fact]
    public void Grains_interfaces_are_found_by_reflection()
    {
        // A guard for the tests below: a filter that found nothing would make them pass vacuously.
        Assert.Equal(12, Grains.Count);
    }

    [Fact]
    public void Every_grain_interface_has_a_section_under_Grains_that_names_it()
    {
        var missing = Grains
            .Where(g => GrainSection(g.Key) is not { } section || !section.Contains($"`{g.Value.Name}`", StringComparison.Ordinal))
            .Select(g => g.Value.Name)
            .ToList();
        Assert.True(missing.Count == 0, $"docs/architecture.md needs a '### <grain>' section under '## Grains' naming the interface for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Each_grain_section_lists_exactly_the_methods_of_its_interface()
    {
        var wrong = new List<string>();
        foreach (var (grain, type) in Grains)
        {
            var section = GrainSection(grain);
            var row = section?.Split('\n').FirstOrDefault(l => l.StartsWith("| methods |", StringComparison.Ordinal));
            if (row is null)
            {
                wrong.Add($"{grain}: no '| methods |' row");
                continue;
            }

            var listed = BacktickedName().Matches(row).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
            var actual = Methods(type);
            if (actual.Except(listed).ToList() is { Count: > 0 } unlisted)
            {
                wrong.Add($"{grain}: not listed {string.Join(", ", unlisted)}");
            }

            if (listed.Except(actual).ToList() is { Count: > 0 } unknown)
            {
                wrong.Add($"{grain}: listed but not on {type.Name}: {string.Join(", ", unknown)}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Every_grain_and_grain_method_the_page_names_exists()
    {
        var wrong = new List<string>();
        foreach (Match match in GrainName().Matches(Doc))
        {
            var name = match.Value;
            if (!Grains.ContainsKey(name) && !(name.StartsWith('I') && Grains.ContainsKey(name[1..])))
            {
                wrong.Add($"{name}: no such grain");
            }
        }

        foreach (Match match in GrainMethod().Matches(Doc))
        {
            var grain = match.Groups["grain"].Value;
            var method = match.Groups["method"].Value;
            var type = Grains.GetValueOrDefault(grain) ?? (grain.StartsWith('I') ? Grains.GetValueOrDefault(grain[1..]) : null);
            if (type is null || !Methods(type).Contains(method))
            {
                wrong.Add($"{match.Value}: no such grain method");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Distinct()));
    }

    [Fact]
    public void Every_call_to_a_grain_in_a_sequence_diagram_is_a_method_of_that_grain()
    {
        var diagrams = MermaidBlock().Matches(Doc).Select(m => m.Groups["body"].Value)
            .Where(b => b.TrimStart().StartsWith("sequenceDiagram", StringComparison.Ordinal))
            .ToList();

        var wrong = new List<string>();
        var calls = 0;
        foreach (var diagram in diagrams)
        {
            var participants = Participant().Matches(diagram)
                .Where(m => Grains.ContainsKey(m.Groups["name"].Value))
                .ToDictionary(m => m.Groups["alias"].Value, m => Grains[m.Groups["name"].Value], StringComparer.Ordinal);
            foreach (Match arrow in Arrow().Matches(diagram))
            {
                if (!participants.TryGetValue(arrow.Groups["to"].Value, out var type))
                {
                    continue;
                }

                calls++;
                var message = arrow.Groups["message"].Value.Trim();
                var call = CallName().Match(message);
                if (!call.Success || !Methods(type).Contains(call.Groups["name"].Value))
                {
                    wrong.Add($"'{arrow.Value.Trim()}': not a call of a method of {type.Name}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(calls > 0, "no calls to grains found in the sequence diagrams");

        // Connect, presence change, notification, broadcast, drain.
        Assert.True(diagrams.Count >= 5, $"expected a sequence diagram per data path, found {diagrams.Count}");
    }

    private static HashSet<string> Methods(Type grainInterface) =>
        grainInterface.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The text under "### {grain}" up to the next heading, within "## Grains".</summary>
    private static string? GrainSection(string grain)
    {
        var grains = Doc.IndexOf("\n## Grains\n", StringComparison.Ordinal);
        if (grains < 0)
        {
            return null;
        }

        var grainsEnd = Doc.IndexOf("\n## ", grains + 1, StringComparison.Ordinal);
        var heading = $"\n### {grain}\n";
        var start = Doc.IndexOf(heading, grains, StringComparison.Ordinal);
        if (start < 0 || (grainsEnd >= 0 && start > grainsEnd))
        {
            return null;
        }

        var end = Doc.IndexOf("\n#", start + heading.Length, StringComparison.Ordinal);
        return Doc[start..(end < 0 ? Doc.Length : end)];
    }

    [GeneratedRegex(@"`(?<name>[A-Za-z]+)`")]
    private static partial Regex BacktickedName();

    /// <summary>A grain's or grain interface's name: UserPresenceGrain, IUserPresenceGrain.</summary>
    [GeneratedRegex(@"\b[A-Z][A-Za-z]*Grain\b")]
    private static partial Regex GrainName();

    /// <summary>Grain.Method or IGrain.Method (not a file name such as Grain.Part.cs).</summary>
    [GeneratedRegex(@"\b(?<grain>[A-Z][A-Za-z]*Grain)\.(?<method>[A-Z][A-Za-z]*)\b(?!\.cs\b)")]
    private static partial Regex GrainMethod();

    [GeneratedRegex(@"```mermaid\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();

    /// <summary>"participant P as UserPresenceGrain ...": the alias and the first word of the name.</summary>
    [GeneratedRegex(@"^\s*participant\s+(?<alias>\w+)\s+as\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex Participant();

    /// <summary>A call or message (->> awaited, -) one-way, -x lost); answers (-->>, --)) are not calls.</summary>
    [GeneratedRegex(@"^\s*(?<from>\w+)\s*(?<!-)(?:->>|-\)|-x)\s*(?<to>\w+)\s*:(?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex Arrow();

    /// <summary>The method a message calls: "Connect(EdgeConnection(...))" -> Connect.</summary>
    [GeneratedRegex(@"^(?<name>[A-Z][A-Za-z]*)\(")]
    private static partial Regex CallName();
}
