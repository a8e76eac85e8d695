using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>One generated invocation: the event it aims at, what it sends, and the mutation that made it.</summary>
public sealed record GeneratedCall(string Hub, string Target, JsonArray Arguments, string Mutation, bool CorruptBytes);

/// <summary>
/// Seeded mutations of the valid invocations of every hub event: fields dropped, added, swapped,
/// renamed or given another type, random unicode (control characters, lone surrogates) of random
/// lengths, deep nesting, wrong targets and argument counts. The same seed gives the same calls.
/// </summary>
public sealed class PayloadGenerator(int seed, string workspaceId)
{
    private static readonly string[] Mutations = ["drop field", "add field", "retype field", "swap fields", "rename field", "random text", "replace payload", "argument count", "wrong target"];

    private readonly Random _random = new(seed);

    public GeneratedCall Next()
    {
        var hubEvent = TenantMatrix.HubEvents[_random.Next(TenantMatrix.HubEvents.Count)];
        var payload = hubEvent.Payload(workspaceId) is { } p ? JsonSerializer.SerializeToNode(p) : null;
        var arguments = payload is null ? new JsonArray() : new JsonArray(payload);
        var target = hubEvent.Name;
        var mutation = Mutations[_random.Next(Mutations.Length)];
        for (var i = 0; i < 1 + _random.Next(3); i++)
        {
            mutation = i == 0 ? mutation : Mutations[_random.Next(Mutations.Length)];
            target = Mutate(mutation, arguments, target);
        }

        return new GeneratedCall(hubEvent.Hub, target, arguments, mutation, _random.Next(40) == 0);
    }

    /// <summary>Flips, drops or inserts a few bytes of an encoded frame.</summary>
    public byte[] Corrupt(byte[] frame)
    {
        var bytes = frame.ToList();
        for (var i = 0; i < 1 + _random.Next(4); i++)
        {
            var at = _random.Next(bytes.Count);
            var kind = _random.Next(3);
            if (kind == 0)
            {
                bytes[at] = (byte)_random.Next(256);
            }
            else if (kind == 1 && bytes.Count > 2)
            {
                bytes.RemoveAt(at);
            }
            else
            {
                bytes.Insert(at, (byte)_random.Next(256));
            }
        }

        return [.. bytes];
    }

    private string Mutate(string mutation, JsonArray arguments, string target)
    {
        var payload = arguments.FirstOrDefault() as JsonObject;
        var keys = payload?.Select(p => p.Key).ToList() ?? [];
        switch (mutation)
        {
            case "drop field" when keys.Count > 0:
                payload!.Remove(keys[_random.Next(keys.Count)]);
                break;
            case "add field" when payload is not null:
                payload[RandomText(12, ascii: true)] = RandomValue(0);
                break;
            case "retype field" when keys.Count > 0:
                payload![keys[_random.Next(keys.Count)]] = RandomValue(0);
                break;
            case "swap fields" when keys.Count > 1:
                var (a, b) = (keys[_random.Next(keys.Count)], keys[_random.Next(keys.Count)]);
                (payload![a], payload[b]) = (payload[b]?.DeepClone(), payload[a]?.DeepClone());
                break;
            case "rename field" when keys.Count > 0:
                var key = keys[_random.Next(keys.Count)];
                var value = payload![key]?.DeepClone();
                payload.Remove(key);
                payload[_random.Next(2) == 0 ? key.ToUpperInvariant() : key + "_"] = value;
                break;
            case "random text" when keys.Count > 0:
                payload![keys[_random.Next(keys.Count)]] = RandomText(RandomLength(), ascii: false);
                break;
            case "replace payload":
                arguments.Clear();
                arguments.Add(RandomValue(0));
                break;
            case "argument count":
                if (arguments.Count > 0 && _random.Next(2) == 0)
                {
                    arguments.RemoveAt(0);
                }
                else
                {
                    arguments.Add(RandomValue(0));
                }

                break;
            case "wrong target":
                var other = TenantMatrix.HubEvents[_random.Next(TenantMatrix.HubEvents.Count)].Name;
                return _random.Next(3) == 0 ? RandomText(20, ascii: false) : other;
        }

        return target;
    }

    private int RandomLength() => _random.Next(10) switch
    {
        < 6 => _random.Next(0, 12),
        < 9 => MalformedInputFixture.MaxIdLength - 2 + _random.Next(MalformedInputFixture.MaxPageLength - MalformedInputFixture.MaxIdLength + 6),
        _ => _random.Next(MalformedInputFixture.MaxMessageBytes - 200, MalformedInputFixture.MaxMessageBytes + 200),
    };

    private JsonNode? RandomValue(int depth) => _random.Next(depth > 3 ? 6 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.NextInt64(long.MinValue, long.MaxValue)),
        2 => JsonValue.Create(_random.NextDouble() * Math.Pow(10, _random.Next(-300, 300))),
        3 => JsonValue.Create(_random.Next(2) == 0),
        4 or 5 => JsonValue.Create(RandomText(RandomLength(), ascii: _random.Next(2) == 0)),
        6 => new JsonArray([.. Enumerable.Range(0, _random.Next(4)).Select(_ => RandomValue(depth + 1))]),
        7 => Nested(60 + _random.Next(20)),
        _ => new JsonObject(Enumerable.Range(0, _random.Next(4)).Select(i => KeyValuePair.Create($"{RandomText(6, ascii: true)}{i}", RandomValue(depth + 1)))),
    };

    /// <summary>Arrays in arrays, <paramref name="levels"/> deep.</summary>
    public static JsonNode Nested(int levels)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < levels; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    /// <summary>Text from pools that matter: id characters, whitespace, control characters, quotes, lone and paired surrogates, any BMP character.</summary>
    private string RandomText(int length, bool ascii)
    {
        var text = new StringBuilder(length);
        while (text.Length < length)
        {
            _ = (ascii ? 0 : _random.Next(8)) switch
            {
                0 or 1 or 2 => text.Append("abcXYZ019-_.@:/ "[_random.Next(16)]),
                3 => text.Append((char)_random.Next(0x20)),
                4 => text.Append((char)_random.Next(0xD800, 0xE000)),
                5 => text.Append("😀"),
                6 => text.Append("\"\\\u007f\u0085\u2028\u200b\ufeff\uffff"[_random.Next(8)]),
                _ => text.Append((char)_random.Next(0x20, 0xD800)),
            };
        }

        return text.ToString(0, length);
    }
}
