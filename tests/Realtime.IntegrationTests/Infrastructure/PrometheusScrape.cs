using System.Globalization;
using System.Text.RegularExpressions;

namespace Realtime.IntegrationTests.Infrastructure;

/// <summary>One scrape of a /prometheus endpoint, in the Prometheus text format, with its samples parsed.</summary>
public sealed partial class PrometheusScrape(string text)
{
    public string Text { get; } = text;

    public IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Samples { get; } = Parse(text);

    public static async Task<PrometheusScrape> FetchAsync(HttpClient http, Uri node)
    {
        using var response = await http.GetAsync(new Uri(node, "/prometheus"));
        response.EnsureSuccessStatusCode();
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The sum of metric <paramref name="name"/> over the samples whose labels include <paramref name="label"/>, if given.</summary>
    public double Sum(string name, (string Key, string Value)? label = null) =>
        Samples
            .Where(s => s.Name == name && (label is not { } l || (s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)))
            .Sum(s => s.Value);

    public bool Has(string name) => Samples.Any(s => s.Name == name);

    public override string ToString() => Text;

    private static List<(string, IReadOnlyDictionary<string, string>, double)> Parse(string text)
    {
        var samples = new List<(string, IReadOnlyDictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            samples.Add((match.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"""")]
    private static partial Regex LabelPair();
}
