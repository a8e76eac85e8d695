using System.Diagnostics;
using System.Globalization;
using Realtime.Testing.Wire;
using Xunit.Abstractions;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// Malformed input over real sockets against a real edge: handcrafted cases on every hub
/// and event, then thousands of seeded random mutations. The edge must stay up and answer, refuse
/// or close but never fail unexpectedly, and neither store nor broadcast bad data; a teammate in
/// the same workspace carries on.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(MalformedInputCollection.Name)]
public sealed class MalformedInputTests(MalformedInputFixture fixture, ITestOutputHelper output)
{
    public const string SeedVariable = "REALTIME_FUZZ_SEED";
    public const string CountVariable = "REALTIME_FUZZ_CASES";
    public const int DefaultSeed = 90_210;
    public const int DefaultCount = 4000;

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";
    private readonly string _fuzzer = $"fuzzer-{Guid.NewGuid():N}";

    [Fact]
    public async Task Handcrafted_malformed_input_is_refused_or_closed_and_nothing_bad_is_kept()
    {
        await using var teammate = await Teammate.StartAsync(fixture, _workspaceId, _fuzzer);
        var tally = new OutcomeTally();
        var runner = new CaseRunner(fixture, _fuzzer, _workspaceId, tally);
        var cases = HandcraftedCases.All(_workspaceId);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases.Count; i++)
        {
            await runner.RunAsync(cases[i]);
            if (i % 100 == 0)
            {
                await teammate.PingAsync();
            }
        }

        Report($"handcrafted: {cases.Count} cases in {clock.Elapsed.TotalSeconds:F1} s", tally);
        Assert.Empty(tally.Failures);
        await teammate.AssertUnharmedAsync();
    }

    [Fact]
    public async Task Thousands_of_seeded_random_payloads_never_break_the_edge()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable(CountVariable), CultureInfo.InvariantCulture, out var n) ? n : DefaultCount;
        output.WriteLine($"seed {seed} ({SeedVariable} to replay or change it), {count} payloads ({CountVariable})");
        await using var teammate = await Teammate.StartAsync(fixture, _workspaceId, _fuzzer);

        // Generated up front, in one order: the seed alone decides every byte sent.
        var generator = new PayloadGenerator(seed, _workspaceId);
        var calls = Enumerable.Range(0, count).Select(i => Encode(generator, i, i % 3 == 0 ? WireProtocol.MessagePack : WireProtocol.Json)).ToList();
        var tally = new OutcomeTally();
        var clock = Stopwatch.StartNew();

        // One lane per hub and protocol, each its own connection, reopened when the edge closes it.
        var lanes = calls.GroupBy(c => (c.Call.Hub, c.Protocol)).Select(lane => RunLaneAsync(lane.Key.Hub, lane.Key.Protocol, [.. lane], tally));
        var fuzzing = Task.WhenAll(lanes);
        while (!fuzzing.IsCompleted)
        {
            // The edge answers during the fuzzing too.
            await teammate.PingAsync();
            await Task.WhenAny(fuzzing, Task.Delay(TimeSpan.FromMilliseconds(200)));
        }

        await fuzzing;
        Report($"generated: {count} payloads, seed {seed}, in {clock.Elapsed.TotalSeconds:F1} s", tally);
        Assert.Empty(tally.Failures);
        await teammate.AssertUnharmedAsync();
    }

    private static EncodedCall Encode(PayloadGenerator generator, int index, WireProtocol protocol)
    {
        var call = generator.Next();
        var id = $"g{index}";
        var frame = Frame(protocol, id, call.Target, call.Arguments);
        return new EncodedCall(call, id, protocol, call.CorruptBytes ? generator.Corrupt(frame) : frame);
    }

    private static byte[] Frame(WireProtocol protocol, string id, string target, System.Text.Json.Nodes.JsonArray? arguments = null) =>
        protocol == WireProtocol.Json
            ? WireFrames.JsonInvocation(id, target, arguments ?? [])
            : WireFrames.MessagePackInvocation(id, target, arguments ?? []);

    private async Task RunLaneAsync(string hub, WireProtocol protocol, IReadOnlyList<EncodedCall> calls, OutcomeTally tally)
    {
        RawHubSocket? socket = null;
        try
        {
            foreach (var (call, id, _, sent) in calls)
            {
                if (socket is null || socket.IsClosed)
                {
                    if (socket is not null)
                    {
                        await socket.DisposeAsync();
                    }

                    socket = await fixture.RawAsync(_fuzzer, _workspaceId, hub, protocol);
                }

                var binary = protocol == WireProtocol.MessagePack;
                HubReply reply;
                if (call.CorruptBytes)
                {
                    // The corruption may have cut the id or left the server waiting for more bytes: a valid
                    // call tells whether the connection survived, and the next call gets a new connection.
                    await socket.SendAsync(sent, binary);
                    var probe = await socket.ProbeAsync(p => Frame(protocol, p, HandcraftedCases.Probes[hub]), binary);
                    reply = probe.Kind switch
                    {
                        ReplyKind.Accepted => new HubReply(ReplyKind.Ignored),
                        ReplyKind.NoAnswer => new HubReply(ReplyKind.Closed, "closed by the test: the server waits for the rest of a frame"),
                        _ => probe,
                    };
                    await socket.DisposeAsync();
                    socket = null;
                }
                else
                {
                    reply = await socket.InvokeAsync(sent, id, binary);
                }

                var category = call.CorruptBytes ? "corrupted bytes" : call.Mutation;
                var accepted = reply.Kind != ReplyKind.Accepted || call.CorruptBytes || AcceptedInputIsValid(call, protocol);
                tally.Add(category, reply, accepted && reply.Kind is not (ReplyKind.ServerError or ReplyKind.NoAnswer),
                    $"[{category}] {hub} {protocol} {call.Target} {WireFrames.Json(call.Arguments)[..Math.Min(400, WireFrames.Json(call.Arguments).Length)]}");
            }
        }
        finally
        {
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }
        }
    }

    /// <summary>For calls the edge took: were the values it stores and broadcasts valid by the rules?</summary>
    private static bool AcceptedInputIsValid(GeneratedCall call, WireProtocol protocol)
    {
        // MessagePack strings are UTF-8: a lone surrogate arrives as U+FFFD.
        string? AsSent(string? text) => protocol == WireProtocol.MessagePack && text is not null ? System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)) : text;

        // SignalR binds payload properties case-insensitively; the last of equal names wins.
        var payload = call.Arguments.FirstOrDefault() as System.Text.Json.Nodes.JsonObject;
        string? Field(string name) => payload?.LastOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value is System.Text.Json.Nodes.JsonValue v
            && v.TryGetValue<string>(out var text) ? AsSent(text) : null;
        return call.Target switch
        {
            "page:navigate" => InputRules.IsValidPage(Field("page")),
            "presence:typing" or "inbox:typing" => InputRules.IsValidId(Field("conversationId")),
            "presence:activity" => InputRules.ActivityTypes.Contains(Field("type") ?? "") && InputRules.IsValidId(Field("resourceId")) && InputRules.IsValidId(Field("resourceType")),
            "presence:status" => InputRules.Statuses.Contains(Field("status") ?? ""),
            _ => true,
        };
    }

    private void Report(string title, OutcomeTally tally)
    {
        output.WriteLine(title);
        foreach (var line in tally.Lines())
        {
            output.WriteLine("  " + line);
        }

        foreach (var failure in tally.Failures.GroupBy(f => f[(f.IndexOf("->", StringComparison.Ordinal) + 3)..][..Math.Min(60, f.Length - f.IndexOf("->", StringComparison.Ordinal) - 3)]).SelectMany(g => g.Take(3)).Take(60))
        {
            output.WriteLine("  NOT ALLOWED: " + failure);
        }

        foreach (var error in fixture.Errors.Unexpected.Take(10))
        {
            output.WriteLine("  SERVER ERROR: " + error);
        }
    }

    private sealed record EncodedCall(GeneratedCall Call, string Id, WireProtocol Protocol, byte[] Frame);
}
