using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.EdgeGateway.Serialization;

/// <summary>Writes timestamps as ISO-8601 UTC strings ("2026-11-27T15:04:05.123Z"), as docs/protocol.md asks.</summary>
public sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>Anything but a timestamp string is a <see cref="JsonException"/>: bad input the caller is told about, not a server error.</summary>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new JsonException("An ISO-8601 timestamp is expected.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
