using System.Collections.Concurrent;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>Runs handcrafted cases, each on a fresh raw connection of one user, and tallies the outcomes.</summary>
public sealed class CaseRunner(MalformedInputFixture fixture, string userId, string workspaceId, OutcomeTally tally)
{
    private readonly ConcurrentDictionary<string, ReplyKind> _validOutcomes = new();

    public async Task RunAsync(MalformedCase c)
    {
        var reply = await SendAsync(c);
        if (c.Category == "valid" && c.Event is { } validEvent)
        {
            _validOutcomes[validEvent] = reply.Kind;
        }

        var allowed = c.LikeValid && c.Event is { } e && _validOutcomes.TryGetValue(e, out var valid)
            ? reply.Kind == valid
            : c.Allowed.Contains(reply.Kind);
        tally.Add(c.Category, reply, allowed, c.ToString());
    }

    private async Task<HubReply> SendAsync(MalformedCase c)
    {
        await using var socket = await fixture.RawAsync(userId, workspaceId, c.Hub, c.Protocol, c.Handshake);
        foreach (var frame in c.Frames)
        {
            await socket.SendAsync(frame.Bytes, frame.Binary);
        }

        if (c.InvocationId is { } id)
        {
            return await socket.AwaitAsync(id);
        }

        // Nothing to complete: a valid call shows whether the connection is still there.
        var probe = await socket.ProbeAsync(id => Probe(c, id), c.Protocol == Testing.Wire.WireProtocol.MessagePack);
        return probe.Kind == ReplyKind.Accepted ? new HubReply(ReplyKind.Ignored) : probe;
    }

    private static byte[] Probe(MalformedCase c, string id) => c.Protocol == Testing.Wire.WireProtocol.Json
        ? WireFrames.JsonInvocation(id, HandcraftedCases.Probes[c.Hub], [])
        : WireFrames.MessagePackInvocation(id, HandcraftedCases.Probes[c.Hub], []);
}
