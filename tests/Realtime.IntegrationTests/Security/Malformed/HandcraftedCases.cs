using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Testing.Wire;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// The handcrafted malformed inputs: per hub event of docs/protocol.md (the tenant matrix's list, with
/// its valid payloads) wrong types, missing, extra and oversized fields, wrong argument counts and
/// deep nesting; per hub broken SignalR messages, garbage and truncated frames in both protocols;
/// and bad handshakes.
/// </summary>
public static class HandcraftedCases
{
    public const string Id = "case";

    /// <summary>Fields a valid call may leave out or set to null.</summary>
    private static readonly HashSet<string> OptionalFields = ["workspaceId", "cursor", "limit", "platforms", "metrics"];

    private static readonly IReadOnlySet<ReplyKind> Refused = Set(ReplyKind.HubError);
    private static readonly IReadOnlySet<ReplyKind> Gone = Set(ReplyKind.Closed);
    private static readonly IReadOnlySet<ReplyKind> RefusedOrGone = Set(ReplyKind.HubError, ReplyKind.Closed);
    private static readonly IReadOnlySet<ReplyKind> Survived = Set(ReplyKind.Ignored, ReplyKind.Closed);

    /// <summary>A valid no-argument call per hub, answered by every healthy connection.</summary>
    public static readonly IReadOnlyDictionary<string, string> Probes = new Dictionary<string, string>
    {
        ["/realtime"] = "ping",
        ["/notifications"] = "notification:unread",
        ["/presence"] = "presence:online",
        ["/dashboard"] = "dashboard:subscribe",
        ["/inbox"] = "inbox:subscribe",
        ["/metrics"] = "metrics:subscribe",
    };

    /// <summary>A call per hub that takes a payload, for MessagePack values the wire shape cannot take.</summary>
    private static readonly IReadOnlyDictionary<string, string> PayloadProbes = new Dictionary<string, string>
    {
        ["/realtime"] = "presence:get",
        ["/notifications"] = "notification:read",
        ["/presence"] = "presence:online",
        ["/dashboard"] = "dashboard:subscribe",
        ["/inbox"] = "inbox:subscribe",
        ["/metrics"] = "metrics:subscribe",
    };

    public static IReadOnlyList<MalformedCase> All(string workspaceId) =>
        [.. TenantMatrix.HubEvents.SelectMany(e => EventCases(e, workspaceId)), .. Probes.Keys.SelectMany(MessageCases), .. Probes.Keys.SelectMany(MessagePackCases), .. HandshakeCases()];

    private static IEnumerable<MalformedCase> EventCases(TenantMatrix.HubEvent hubEvent, string workspaceId)
    {
        var valid = hubEvent.Payload(workspaceId) is { } payload ? (JsonObject)JsonSerializer.SerializeToNode(payload)! : null;
        MalformedCase Call(string category, string name, JsonArray arguments, IReadOnlySet<ReplyKind> allowed, bool likeValid = false) =>
            new(category, $"{hubEvent.Name} {name}", hubEvent.Hub, WireProtocol.Json,
                [new(WireFrames.JsonInvocation(Id, hubEvent.Name, arguments))], Id, allowed, likeValid, Event: hubEvent.Name);

        // First, so that LikeValid cases can compare with it.
        yield return Call("valid", "valid payload", valid is null ? [] : [valid.DeepClone()], Set(ReplyKind.Accepted, ReplyKind.HubError));
        yield return Call("argument count", "two arguments", [valid?.DeepClone(), valid?.DeepClone()], Refused);
        yield return Call("argument count", "three nulls", [null, null, null], Refused);
        if (valid is null)
        {
            yield return Call("argument count", "one argument to a method without", [new JsonObject()], Refused);
            yield break;
        }

        var optionalPayload = !valid.Select(p => p.Key).Except(OptionalFields).Any();
        yield return Call("argument count", "no argument", [], optionalPayload ? Set(ReplyKind.Accepted) : Refused);
        yield return Call("null", "null payload", [null], optionalPayload ? Set(ReplyKind.Accepted) : Refused);
        foreach (var (name, _, wrong) in WrongValues().Where(w => w.Kind != JsonValueKind.Object))
        {
            yield return Call("wrong type", $"payload is {name}", [wrong], Refused);
        }

        yield return Call("extra fields", "unknown fields", [With(valid, o =>
        {
            o["unknownField"] = "x";
            o["nested"] = new JsonObject { ["a"] = new JsonArray(1, 2, 3) };
        })], Set(ReplyKind.Accepted, ReplyKind.HubError), likeValid: true);
        yield return Call("wrong type", "workspaceId of another workspace", [With(valid, o => o["workspaceId"] = "ws-other")], Refused);
        yield return Call("deep nesting", "3,000 nested arrays in a field", [With(valid, o => o[valid.First().Key] = PayloadGenerator.Nested(3000))], RefusedOrGone);

        foreach (var field in valid.Select(p => p.Key).Where(k => k != "workspaceId").ToList())
        {
            var optional = OptionalFields.Contains(field);
            yield return Call("missing fields", $"no {field}", [With(valid, o => o.Remove(field))], optional ? Set(ReplyKind.Accepted) : Refused);
            yield return Call("null", $"{field}: null", [With(valid, o => o[field] = null)], optional ? Set(ReplyKind.Accepted) : Refused);
            foreach (var (name, _, wrong) in WrongValues().Where(w => w.Kind != valid[field]!.GetValueKind()))
            {
                yield return Call("wrong type", $"{field}: {name}", [With(valid, o => o[field] = wrong)], Refused);
            }

            foreach (var huge in HugeStrings(field, valid[field]!))
            {
                yield return Call("huge strings", $"{field}: {huge.Name}", [With(valid, o => o[field] = huge.Value)], huge.Allowed, huge.LikeValid);
            }

            if (valid[field]!.GetValueKind() == JsonValueKind.String)
            {
                foreach (var (name, text) in BadUnicode())
                {
                    yield return Call("unicode", $"{field}: {name}", [With(valid, o => o[field] = text)], Refused);
                }
            }
        }
    }

    private static IEnumerable<(string Name, JsonNode? Value, IReadOnlySet<ReplyKind> Allowed, bool LikeValid)> HugeStrings(string field, JsonNode valid)
    {
        var isList = valid.GetValueKind() == JsonValueKind.Array;
        JsonNode Shape(string text) => isList ? new JsonArray(text) : JsonValue.Create(text);
        var limit = field == "page" ? MalformedInputFixture.MaxPageLength : MalformedInputFixture.MaxIdLength;
        var padding = field == "page" ? "/" : "";

        // Enum-like fields (status, type, types) have no "just under": any other text is refused.
        if (valid.GetValueKind() is JsonValueKind.String or JsonValueKind.Array && field is not ("status" or "type" or "types" or "notificationId" or "lastNotificationId"))
        {
            yield return ($"{limit} characters (the limit)", Shape(padding + new string('a', limit - padding.Length)), Refused, true);
        }

        if (valid.GetValueKind() is JsonValueKind.String or JsonValueKind.Array)
        {
            yield return ($"{limit + 1} characters", Shape(padding + new string('a', limit + 1 - padding.Length)), Refused, false);
            yield return ($"{MalformedInputFixture.MaxMessageBytes} characters (over the message size)", Shape(new string('a', MalformedInputFixture.MaxMessageBytes)), Gone, false);
        }

    }

    private static IEnumerable<(string Name, JsonValueKind Kind, JsonNode? Value)> WrongValues() =>
    [
        ("a number", JsonValueKind.Number, JsonValue.Create(42)),
        ("a float", JsonValueKind.Number, JsonValue.Create(1e308)),
        ("a string", JsonValueKind.String, JsonValue.Create("text")),
        ("true", JsonValueKind.True, JsonValue.Create(true)),
        ("an array", JsonValueKind.Array, new JsonArray(1, "two", null)),
        ("an object", JsonValueKind.Object, new JsonObject { ["x"] = 1 }),
    ];

    private static IEnumerable<(string Name, string Text)> BadUnicode() =>
    [
        ("a NUL character", "/a\u0000b"),
        ("a newline", "/a\nb"),
        ("an escape sequence", "/\u001b[31mred"),
        ("a lone high surrogate", "/a\ud800"),
        ("a lone low surrogate", "\udc00/a"),
        ("only whitespace", "   \t "),
    ];

    private static JsonObject With(JsonObject valid, Action<JsonObject> change)
    {
        var copy = (JsonObject)valid.DeepClone();
        change(copy);
        return copy;
    }

    public static string Nested(int levels) => new string('[', levels) + new string(']', levels);

    private static IReadOnlySet<ReplyKind> Set(params ReplyKind[] kinds) => kinds.ToHashSet();

    private static byte[] Json(string text) => RawHubSocket.JsonRecord(text);

    private static IEnumerable<MalformedCase> MessageCases(string hub)
    {
        MalformedCase Raw(string category, string name, IReadOnlySet<ReplyKind> allowed, string? invocationId, params WireFrame[] frames) =>
            new(category, name, hub, WireProtocol.Json, frames, invocationId, allowed);
        WireFrame Text(string json) => new(Json(json));

        yield return Raw("unknown methods", "unknown method", Refused, Id, Text($$"""{"type":1,"invocationId":"{{Id}}","target":"no:such:event","arguments":[]}"""));
        yield return Raw("unknown methods", "empty target", Refused, Id, Text($$"""{"type":1,"invocationId":"{{Id}}","target":"","arguments":[]}"""));
        yield return Raw("unknown methods", "method of another hub", Refused, Id, Text($$"""{"type":1,"invocationId":"{{Id}}","target":"{{(hub == "/realtime" ? "presence:typing" : "page:navigate")}}","arguments":[{"page":"/x"}]}"""));
        yield return Raw("unknown methods", "OnConnectedAsync by name", Refused, Id, Text($$"""{"type":1,"invocationId":"{{Id}}","target":"OnConnectedAsync","arguments":[]}"""));
        yield return Raw("unknown methods", "streaming call of a plain method", RefusedOrGone, Id, Text($$"""{"type":4,"invocationId":"{{Id}}","target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("invalid JSON", "cut off", Gone, null, Text("""{"type":1,"target":"""));
        yield return Raw("invalid JSON", "not JSON", Gone, null, Text("hello"));
        yield return Raw("invalid JSON", "trailing comma", Gone, null, Text($$"""{"type":1,"target":"{{Probes[hub]}}","arguments":[],}"""));
        yield return Raw("invalid JSON", "an array", Gone, null, Text("[1,2,3]"));
        yield return Raw("invalid JSON", "a string", Gone, null, Text("\"type\""));
        yield return Raw("invalid JSON", "empty record", Gone, null, Text(""));
        yield return Raw("invalid JSON", "invalid UTF-8", Gone, null, new WireFrame([.. Encoding.UTF8.GetBytes("{\"type\":1,\"target\":\""), 0xFF, 0xFE, 0xC0, .. Encoding.UTF8.GetBytes("\",\"arguments\":[]}"), 0x1E]));
        yield return Raw("message types", "no type", Gone, null, Text($$"""{"target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("message types", "type as a string", Gone, null, Text($$"""{"type":"1","target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("message types", "type 99", Set(ReplyKind.Ignored), null, Text("""{"type":99}"""));
        yield return Raw("message types", "type -1", Set(ReplyKind.Ignored), null, Text("""{"type":-1}"""));
        yield return Raw("message types", "stream item for no stream", Survived, null, Text("""{"type":2,"invocationId":"nope","item":1}"""));
        yield return Raw("message types", "completion from the client", Survived, null, Text("""{"type":3,"invocationId":"nope","result":1}"""));
        yield return Raw("message types", "cancel of nothing", Survived, null, Text("""{"type":5,"invocationId":"nope"}"""));
        yield return Raw("message types", "close from the client", Survived, null, Text("""{"type":7,"error":"bye"}"""));
        yield return Raw("message types", "ack of nothing", Survived, null, Text("""{"type":8,"sequenceId":5}"""));
        yield return Raw("invocation ids", "number", Gone, null, Text($$"""{"type":1,"invocationId":5,"target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("invocation ids", "object", Gone, null, Text($$"""{"type":1,"invocationId":{},"target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("invocation ids", "empty string (a call without reply)", Survived, null, Text($$"""{"type":1,"invocationId":"","target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("invocation ids", "1,000 characters", Set(ReplyKind.Accepted), new string('i', 1000), Text($$"""{"type":1,"invocationId":"{{new string('i', 1000)}}","target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("invocation ids", "reused while running", Set(ReplyKind.Accepted, ReplyKind.HubError, ReplyKind.Closed), "dup",
            Text($$"""{"type":1,"invocationId":"dup","target":"{{Probes[hub]}}","arguments":[]}"""), Text($$"""{"type":1,"invocationId":"dup","target":"{{Probes[hub]}}","arguments":[]}"""));
        yield return Raw("wrong type", "target is a number", Gone, null, Text("""{"type":1,"invocationId":"x","target":5,"arguments":[]}"""));
        yield return Raw("wrong type", "no target", Gone, null, Text("""{"type":1,"invocationId":"x","arguments":[]}"""));
        yield return Raw("wrong type", "arguments is an object", RefusedOrGone, Id, Text($$$"""{"type":1,"invocationId":"{{{Id}}}","target":"{{{Probes[hub]}}}","arguments":{}}"""));
        yield return Raw("wrong type", "no arguments", RefusedOrGone, Id, Text($$"""{"type":1,"invocationId":"{{Id}}","target":"{{Probes[hub]}}"}"""));
        yield return Raw("wrong type", "stream ids of nothing", RefusedOrGone, Id, Text($$"""{"type":1,"invocationId":"{{Id}}","target":"{{Probes[hub]}}","arguments":[],"streamIds":["s1"]}"""));
        yield return Raw("deep nesting", "10,000 nested arrays (over the size limit)", Gone, null, Text($$"""{"type":1,"target":"{{Probes[hub]}}","arguments":{{Nested(10_000)}}}"""));
        yield return Raw("deep nesting", "3,000 nested arrays", RefusedOrGone, Id, Text($$"""{"type":1,"invocationId":"{{Id}}","target":"{{Probes[hub]}}","arguments":[{{Nested(3000)}}]}"""));
        yield return Raw("deep nesting", "1,000 nested objects in headers", Gone, null, Text("{\"type\":1,\"headers\":" + string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000) + ",\"target\":\"x\",\"arguments\":[]}"));
        yield return Raw("huge strings", "message over the size limit", Gone, null, Text($$"""{"type":1,"target":"{{Probes[hub]}}","arguments":["{{new string('x', MalformedInputFixture.MaxMessageBytes)}}"]}"""));
        yield return Raw("binary garbage", "random bytes in a binary message", Gone, null, new WireFrame(Garbage(hub, 512), Binary: true));
        yield return Raw("binary garbage", "random bytes ending in a separator", Gone, null, new WireFrame([.. Garbage(hub, 256), 0x1E]));
        yield return Raw("binary garbage", "a MessagePack invocation on a JSON connection", Gone, null, new WireFrame(WireFrames.MessagePackInvocation("x", Probes[hub], []), Binary: true));
        yield return Raw("truncated frames", "half a message, then a valid one", Gone, null, new WireFrame(Encoding.UTF8.GetBytes($$"""{"type":1,"invocationId":"t","target":"{{Probes[hub]}}","argu""")));
        yield return Raw("truncated frames", "two messages in one frame, the second cut", Survived, null, new WireFrame([.. Json($$"""{"type":6}"""), .. Encoding.UTF8.GetBytes("""{"type":1,""")]));
        yield return Raw("truncated frames", "a NUL byte", Gone, null, new WireFrame([0x00, 0x1E]));
    }

    private static IEnumerable<MalformedCase> MessagePackCases(string hub)
    {
        MalformedCase Raw(string category, string name, IReadOnlySet<ReplyKind> allowed, string? invocationId, params byte[] bytes) =>
            new(category, name, hub, WireProtocol.MessagePack, [new WireFrame(bytes, Binary: true)], invocationId, allowed);

        yield return Raw("messagepack garbage", "random body", Gone, null, WireFrames.LengthPrefixed(Garbage(hub, 200)));
        yield return Raw("messagepack garbage", "six-byte length prefix", Gone, null, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x90);
        yield return Raw("messagepack garbage", "length longer than the message size", Gone, null, [.. WireFrames.LengthPrefixed(new byte[MalformedInputFixture.MaxMessageBytes + 1])]);
        yield return Raw("messagepack garbage", "truncated: the length says more", Gone, null, 0x08, 0x96, 0x01, 0x80);
        yield return Raw("messagepack garbage", "empty array", Gone, null, WireFrames.LengthPrefixed([0x90]));
        yield return Raw("messagepack garbage", "type is a string", Gone, null, WireFrames.LengthPrefixed([0x92, 0xA1, (byte)'1', 0x80]));
        yield return Raw("messagepack garbage", "not an array", Gone, null, WireFrames.LengthPrefixed([0xC0]));
        yield return Raw("messagepack garbage", "JSON text on a MessagePack connection", Gone, null, Json($$"""{"type":1,"target":"{{Probes[hub]}}","arguments":["{{new string('x', 130)}}"]}"""));

        // Invocations of the probe whose one argument is a value the wire shape cannot take.
        byte[] Call(params byte[] argument) => WireFrames.LengthPrefixed([0x96, 0x01, 0x80, 0xA4, .. "case"u8, .. MessagePackString(PayloadProbes[hub]), 0x91, .. argument, 0x90]);
        yield return Raw("messagepack values", "a binary value", RefusedOrGone, Id, Call(0xC4, 0x03, 1, 2, 3));
        yield return Raw("messagepack values", "an extension value", RefusedOrGone, Id, Call(0xD4, 0x01, 0x00));
        yield return Raw("messagepack values", "a map with an integer key", RefusedOrGone, Id, Call(0x81, 0x01, 0x02));
        yield return Raw("messagepack values", "uint64 max", RefusedOrGone, Id, Call([0x81, 0xA5, .. "limit"u8, 0xCF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
        yield return Raw("messagepack values", "NaN", RefusedOrGone, Id, Call([0x81, 0xA5, .. "limit"u8, 0xCB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0]));
        yield return Raw("messagepack values", "invalid UTF-8 in a string (an unknown field on some hubs)", Set(ReplyKind.HubError, ReplyKind.Closed, ReplyKind.Accepted), Id, Call([0x81, 0xA6, .. "cursor"u8, 0xA3, 0xFF, 0xFE, 0xC0]));
        yield return Raw("messagepack values", "3,000 nested arrays", RefusedOrGone, Id, Call([.. Enumerable.Repeat((byte)0x91, 3000), 0xC0]));
        yield return Raw("messagepack values", "10,000 nested arrays (over the size limit)", Gone, null, Call([.. Enumerable.Repeat((byte)0x91, 10_000), 0xC0]));
        yield return Raw("messagepack values", "a map claiming 2^32-1 entries", RefusedOrGone, Id, Call(0xDF, 0xFF, 0xFF, 0xFF, 0xFF));
        yield return Raw("messagepack values", "a string claiming 2^32-1 bytes", RefusedOrGone, Id, Call(0xDB, 0xFF, 0xFF, 0xFF, 0xFF, 0x61));
    }

    private static IEnumerable<MalformedCase> HandshakeCases()
    {
        MalformedCase Handshake(string name, byte[] handshake) =>
            new("bad handshake", name, "/realtime", WireProtocol.Json, [], null, Gone, Handshake: handshake);

        yield return Handshake("unknown protocol", Json("""{"protocol":"xml","version":1}"""));
        yield return Handshake("unsupported version", Json("""{"protocol":"json","version":99}"""));
        yield return Handshake("no protocol", Json("""{"version":1}"""));
        yield return Handshake("invalid JSON", Json("""{"protocol":"""));
        yield return Handshake("an array", Json("[]"));
        yield return Handshake("binary garbage", [.. Garbage("/handshake", 64), 0x1E]);
        yield return Handshake("protocol is a number", Json("""{"protocol":1,"version":1}"""));
    }

    private static byte[] MessagePackString(string text) => [(byte)(0xA0 | text.Length), .. Encoding.UTF8.GetBytes(text)];

    /// <summary>Random bytes, the same for a hub on every run.</summary>
    private static byte[] Garbage(string seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed.Sum(c => c)).NextBytes(bytes);
        bytes[0] = 0xFE;
        return bytes;
    }
}
