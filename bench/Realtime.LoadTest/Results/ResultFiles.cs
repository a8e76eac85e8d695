using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.LoadTest.Results;

/// <summary>Result JSON files: artifacts/bench/&lt;scenario&gt;-&lt;timestamp&gt;.json, one array of runs each.</summary>
public static class ResultFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(string directory, string scenario, IReadOnlyList<ScenarioResult> results)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{scenario}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(results, Json));
        return path;
    }

    public static IReadOnlyList<ScenarioResult> Read(string path) =>
        JsonSerializer.Deserialize<List<ScenarioResult>>(File.ReadAllText(path), Json) ?? [];
}
