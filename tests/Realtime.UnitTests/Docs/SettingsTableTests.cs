using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Realtime.UnitTests.Docs;

/// <summary>
/// Every setting is documented in one place: README's configuration reference has a table per
/// section ("### `Section`"), and each settable property of each options class is a row of its
/// section's table. The options classes are found in the src assemblies (public classes named
/// *Options with a SectionName constant), so a new class or setting without a row fails here.
/// </summary>
[Trait("Kind", "Unit")]
public sealed partial class SettingsTableTests
{
    private const string ReferenceHeading = "## Configuration reference";

    [Fact]
    public void Every_setting_of_every_options_section_is_in_the_readme_tables()
    {
        var tables = ReadmeTables();

        var missing = new List<string>();
        foreach (var (section, type) in SectionOptions())
        {
            if (!tables.TryGetValue(section, out var rows))
            {
                missing.Add($"{section} (no \"### `{section}`\" table; {type.Name})");
                continue;
            }

            missing.AddRange(Settings(type)
                .Where(setting => !rows.Any(row => row.Name == setting || row.Name.StartsWith(setting + ":", StringComparison.Ordinal)))
                .Select(setting => $"{section}:{setting}"));
        }

        Assert.True(missing.Count == 0, $"Not in README's configuration reference: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_row_of_an_options_section_is_a_setting_and_says_what_it_does()
    {
        var tables = ReadmeTables();

        var wrong = new List<string>();
        foreach (var (section, type) in SectionOptions().Where(s => tables.ContainsKey(s.Section)))
        {
            var settings = Settings(type).ToHashSet(StringComparer.Ordinal);
            foreach (var row in tables[section])
            {
                // Host settings at the configuration root ("Urls (root)") and pass-throughs to
                // Orleans' own options ("Membership:*") are documented beside the section they concern.
                var passThrough = row.Root || row.Name.EndsWith(":*", StringComparison.Ordinal);
                var setting = row.Name.Split(':')[0];
                if (!passThrough && !settings.Contains(setting))
                {
                    wrong.Add($"{section}:{row.Name} is no setting of {type.Name}");
                }

                if (string.IsNullOrWhiteSpace(row.Meaning))
                {
                    wrong.Add($"{section}:{row.Name} does not say what it does");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Every_options_class_is_a_section_or_part_of_one()
    {
        var sections = SectionOptions().Select(s => s.Type).ToList();
        var parts = sections
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Select(p => ElementType(p.PropertyType))
            .ToHashSet();

        var loose = SrcAssemblies()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Where(t => !sections.Contains(t) && !parts.Contains(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(loose.Count == 0, $"Options classes without a SectionName constant, so bound from no section: {string.Join(", ", loose)}");
    }

    /// <summary>Public classes named *Options with a <c>SectionName</c> constant, in the assemblies of the projects under src/.</summary>
    private static List<(string Section, Type Type)> SectionOptions() =>
        SrcAssemblies()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(t => (Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static), Type: t))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type))
            .OrderBy(x => x.Item1, StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<Assembly> SrcAssemblies() =>
        Directory.GetFiles(Path.Combine(HostProcess.SolutionRoot(), "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(project => XDocument.Load(project).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project))
            .Select(name => Assembly.Load(new AssemblyName(name)));

    /// <summary>What configuration binds: public instance properties with a public setter.</summary>
    private static IEnumerable<string> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name);

    private static Type ElementType(Type type) =>
        type.IsArray ? type.GetElementType()! : type.IsGenericType ? type.GetGenericArguments()[^1] : type;

    /// <summary>The rows of each "### `Section`" table under README's configuration reference.</summary>
    private static Dictionary<string, List<Row>> ReadmeTables()
    {
        var lines = File.ReadAllLines(Path.Combine(HostProcess.SolutionRoot(), "README.md"));
        var start = Array.IndexOf(lines, ReferenceHeading);
        Assert.True(start >= 0, $"README has no \"{ReferenceHeading}\"");

        var tables = new Dictionary<string, List<Row>>(StringComparer.Ordinal);
        List<Row>? rows = null;
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (SectionHeading().Match(line) is { Success: true } heading)
            {
                var section = heading.Groups["section"].Value;
                Assert.False(tables.ContainsKey(section), $"README documents section {section} twice");
                tables[section] = rows = [];
            }
            else if (rows is not null && SettingRow().Match(line) is { Success: true } row)
            {
                rows.Add(new Row(row.Groups["name"].Value, row.Groups["first"].Value.Contains("(root)", StringComparison.Ordinal), row.Groups["meaning"].Value));
            }
        }

        return tables;
    }

    [GeneratedRegex(@"^### `(?<section>[^`]+)`")]
    private static partial Regex SectionHeading();

    [GeneratedRegex(@"^\| (?<first>`(?<name>[^`]+)`[^|]*)\|(?<default>[^|]*)\|(?<meaning>.*)\|\s*$")]
    private static partial Regex SettingRow();

    private sealed record Row(string Name, bool Root, string Meaning);
}
