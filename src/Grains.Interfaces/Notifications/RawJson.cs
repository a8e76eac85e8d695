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
    public static RawJson From(JsonElement value) => new(value.GetRawText());
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
