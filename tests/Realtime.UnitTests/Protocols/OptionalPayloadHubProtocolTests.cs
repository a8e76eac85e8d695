using System.Buffers;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Hubs;
using Realtime.EdgeGateway.Protocols;
using Realtime.EdgeGateway.Serialization;

namespace Realtime.UnitTests.Protocols;

/// <summary>The decorator on its own, over the edge's JSON and MessagePack protocols, from bytes as a client sends them.</summary>
[Trait("Kind", "Unit")]
public sealed class OptionalPayloadHubProtocolTests
{
    private static readonly OptionalPayloadMethods Methods = OptionalPayloadMethods.Discover([typeof(RealtimeHub)]);

    public static TheoryData<string> Protocols => ["json", "messagepack"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public void An_optional_payload_left_out_arrives_as_one_null_argument_with_the_invocation_kept(string name)
    {
        var (inner, protocol) = Create(name);
        var sent = new InvocationMessage("7", "presence:get", []) { Headers = new Dictionary<string, string> { ["trace"] = "t1" } };
        var input = new ReadOnlySequence<byte>(inner.GetMessageBytes(sent));

        var message = Assert.IsType<InvocationMessage>(Parse(protocol, ref input));

        Assert.Equal("7", message.InvocationId);
        Assert.Equal("presence:get", message.Target);
        Assert.Equal([null], message.Arguments);
        Assert.Equal("t1", Assert.Contains("trace", message.Headers!));
        Assert.True(input.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void An_optional_payload_sent_is_bound_as_usual(string name)
    {
        var (inner, protocol) = Create(name);
        var input = new ReadOnlySequence<byte>(inner.GetMessageBytes(new InvocationMessage("7", "presence:get", [new PresencePageRequest("c1", 10)])));

        var message = Assert.IsType<InvocationMessage>(Parse(protocol, ref input));

        Assert.Equal(new PresencePageRequest("c1", 10), Assert.Single(message.Arguments));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void A_required_payload_left_out_is_still_a_binding_failure_with_the_argument_count(string name)
    {
        var (inner, protocol) = Create(name);
        var input = new ReadOnlySequence<byte>(inner.GetMessageBytes(new InvocationMessage("7", "page:navigate", [])));

        var failure = Assert.IsType<InvocationBindingFailureMessage>(Parse(protocol, ref input));

        Assert.Equal("page:navigate", failure.Target);
        Assert.Contains("0 argument(s)", failure.BindingFailure.SourceException.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Too_many_arguments_to_an_optional_payload_method_are_still_a_binding_failure(string name)
    {
        var (inner, protocol) = Create(name);
        var input = new ReadOnlySequence<byte>(inner.GetMessageBytes(new InvocationMessage("7", "presence:get", [new PresencePageRequest(null, 1), new PresencePageRequest(null, 2)])));

        var failure = Assert.IsType<InvocationBindingFailureMessage>(Parse(protocol, ref input));

        Assert.Contains("2 argument(s)", failure.BindingFailure.SourceException.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void The_message_after_a_rebound_one_is_read_from_where_it_starts(string name)
    {
        var (inner, protocol) = Create(name);
        var bytes = inner.GetMessageBytes(new InvocationMessage("1", "presence:get", [])).ToArray()
            .Concat(inner.GetMessageBytes(new InvocationMessage("2", "ping", [])).ToArray()).ToArray();
        var input = new ReadOnlySequence<byte>(bytes);

        var first = Assert.IsType<InvocationMessage>(Parse(protocol, ref input));
        var second = Assert.IsType<InvocationMessage>(Parse(protocol, ref input));

        Assert.Equal(("1", "presence:get"), (first.InvocationId, first.Target));
        Assert.Equal(("2", "ping"), (second.InvocationId, second.Target));
        Assert.True(input.IsEmpty);
    }

    [Fact]
    public void Writing_and_the_protocol_identity_are_the_inner_protocols()
    {
        var (inner, protocol) = Create("messagepack");
        var completion = CompletionMessage.WithResult("7", "done");

        Assert.Equal((inner.Name, inner.Version, inner.TransferFormat), (protocol.Name, protocol.Version, protocol.TransferFormat));
        Assert.Equal(inner.GetMessageBytes(completion).ToArray(), protocol.GetMessageBytes(completion).ToArray());
    }

    [Fact]
    public void Discovery_finds_only_methods_whose_single_parameter_defaults_to_null()
    {
        Assert.Equal(["presence:get"], Methods.Names);
        Assert.True(Methods.Contains("Presence:Get"));
        Assert.False(Methods.Contains("page:navigate"));
    }

    [Fact]
    public void A_default_other_than_null_is_refused_at_startup()
    {
        var error = Assert.Throws<NotSupportedException>(() => OptionalPayloadMethods.Discover([typeof(HubWithNonNullDefault)]));

        Assert.Contains(nameof(HubWithNonNullDefault.Take), error.Message, StringComparison.Ordinal);
    }

    private static HubMessage Parse(IHubProtocol protocol, ref ReadOnlySequence<byte> input)
    {
        Assert.True(protocol.TryParseMessage(ref input, new RealtimeHubBinder(), out var message));
        return message;
    }

    private static (IHubProtocol Inner, OptionalPayloadHubProtocol Protocol) Create(string name)
    {
        IHubProtocol inner = name == "json"
            ? new JsonHubProtocol(Options.Create(WireJsonOptions()))
            : new MessagePackHubProtocol(Options.Create(new MessagePackHubProtocolOptions
            {
                SerializerOptions = MessagePackSerializerOptions.Standard.WithResolver(WireShapeMessagePackResolver.Instance),
            }));
        return (inner, new OptionalPayloadHubProtocol(inner, Methods));
    }

    private static JsonHubProtocolOptions WireJsonOptions()
    {
        var options = new JsonHubProtocolOptions();
        WireJson.Configure(options.PayloadSerializerOptions);
        return options;
    }

    /// <summary>The parameter types SignalR's binder reports for RealtimeHub.</summary>
    private sealed class RealtimeHubBinder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => methodName switch
        {
            "presence:get" => [typeof(PresencePageRequest)],
            "page:navigate" => [typeof(PageNavigateRequest)],
            "ping" => [],
            _ => throw new HubException("Method does not exist."),
        };

        public Type GetReturnType(string invocationId) => throw new NotSupportedException();

        public Type GetStreamItemType(string streamId) => throw new NotSupportedException();
    }

    private sealed class HubWithNonNullDefault : Hub
    {
        public int Take(int limit = 10) => limit;
    }
}
