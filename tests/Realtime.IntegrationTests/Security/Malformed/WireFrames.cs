using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MessagePack;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// Invocation frames built by hand from a JSON tree, in either protocol. The JSON writer escapes
/// every control character and every surrogate as \uXXXX itself, so that lone surrogates reach the
/// server as written (System.Text.Json's writer would replace them).
/// </summary>
public static class WireFrames
{
    public static byte[] JsonInvocation(string invocationId, string target, JsonArray arguments) =>
        RawHubSocket.JsonRecord($"{{\"type\":1,\"invocationId\":{JsonString(invocationId)},\"target\":{JsonString(target)},\"arguments\":{Json(arguments)}}}");

    /// <summary>[1, headers, invocationId, target, arguments, streamIds] with its varint length.</summary>
    public static byte[] MessagePackInvocation(string invocationId, string target, JsonArray arguments)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(6);
        writer.Write(1);
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Write(target);
        Write(ref writer, arguments);
        writer.WriteArrayHeader(0);
        writer.Flush();
        return LengthPrefixed(body.WrittenSpan);
    }

    public static byte[] LengthPrefixed(ReadOnlySpan<byte> body)
    {
        var prefix = new List<byte>();
        var length = body.Length;
        do
        {
            var b = (byte)(length & 0x7F);
            length >>= 7;
            prefix.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);

        return [.. prefix, .. body];
    }

    public static string Json(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.Select(p => $"{JsonString(p.Key)}:{Json(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Json)) + "]",
        JsonValue v when v.TryGetValue<string>(out var s) => JsonString(s),
        _ => node.ToJsonString(),
    };

    public static string JsonString(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                _ when c < 0x20 || char.IsSurrogate(c) => text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }

    private static void Write(ref MessagePackWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNil();
                break;
            case JsonObject o:
                writer.WriteMapHeader(o.Count);
                foreach (var (key, value) in o)
                {
                    writer.Write(key);
                    Write(ref writer, value);
                }

                break;
            case JsonArray a:
                writer.WriteArrayHeader(a.Count);
                foreach (var item in a)
                {
                    Write(ref writer, item);
                }

                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                writer.Write(s);
                break;
            case JsonValue v when v.TryGetValue<bool>(out var b):
                writer.Write(b);
                break;
            case JsonValue v when v.TryGetValue<int>(out var i):
                writer.Write(i);
                break;
            case JsonValue v when v.TryGetValue<long>(out var l):
                writer.Write(l);
                break;
            case JsonValue v when v.TryGetValue<double>(out var d):
                writer.Write(d);
                break;
            default:
                writer.Write(node.ToJsonString());
                break;
        }
    }
}
