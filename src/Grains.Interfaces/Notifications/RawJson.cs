using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.Grains.Notifications;

/// <summary>
/// A JSON value carried as text through the cluster (the free-form `data` of a notification),
/// written to clients as the JSON value itself, not as a string.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.RawJson")]
[JsonConverter(typeof(RawJsonConverter))]
public sealed record RawJson([property: Id(0)] string Json)
{
    /// <summary>The most JSON a service may attach to a notification, broadcast or dashboard update.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    public static RawJson From(JsonElement value) => new(value.GetRawText());

    /// <summary>Serializes a service's data (camelCase), refusing more than <see cref="MaxBytes"/>.</summary>
    public static RawJson Serialize(object value, string paramName)
    {
        var json = value is JsonElement element ? element.GetRawText() : JsonSerializer.Serialize(value, WebOptions);
        return System.Text.Encoding.UTF8.GetByteCount(json) <= MaxBytes
            ? new RawJson(json)
            : throw new ArgumentException($"Data is over {MaxBytes} bytes of JSON.", paramName);
    }
}

public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return RawJson.From(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: false);
}
