using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// Parent and worker talk in lines: the parent writes a spec, then commands ("wait {condition}",
/// "report", "exit") on stdin; the worker answers each with one line "@{json}" on stdout.
/// </summary>
public static class WorkerProtocol
{
    public const string AnswerPrefix = "@";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Answer<T>(T value) => AnswerPrefix + JsonSerializer.Serialize(value, Json);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidDataException("Empty worker message.");
}
