using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Realtime.EdgeGateway.Serialization;

/// <summary>
/// Makes MessagePack payloads the same shape as JSON ones: camelCase keys, enum names as
/// strings, ISO-8601 UTC timestamps. MessagePack's contractless resolver would use C# names
/// ("UserId") and numbers for enums; clients must not see a different contract per protocol.
/// Primitives keep MessagePack's own formatters; every other type goes through the wire JSON
/// shape, once per message per protocol (SignalR serializes a group send once).
/// </summary>
public sealed class WireShapeMessagePackResolver : IFormatterResolver
{
    public static readonly WireShapeMessagePackResolver Instance = new();

    private static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        BuiltinResolver.Instance.GetFormatter<T>() ?? FormatterCache<T>.Formatter;

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions();
        WireJson.Configure(options);
        return options;
    }

    private static class FormatterCache<T>
    {
        public static readonly IMessagePackFormatter<T> Formatter = new JsonShapedFormatter<T>();
    }

    private sealed class JsonShapedFormatter<T> : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            var element = JsonSerializer.SerializeToElement(value, Json);
            MessagePackJson.Write(ref writer, element);
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                MessagePackJson.Read(ref reader, json, depth: 0);
            }

            return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, Json)!;
        }
    }
}
