using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Realtime.EdgeGateway.Streaming;
using Realtime.EdgeGateway.Telemetry;
using Realtime.Grains.Telemetry;
using Realtime.Silo.Hosting;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// One trace from a caller to every edge's delivery, across a silo and two edges in this process:
/// an HTTP publish, a hub call and a connect each, followed span by span through their parent ids,
/// so that a hop that stops propagating (a grain call, the stream, the edge) breaks the chain and fails.
/// </summary>
[Trait("Kind", "Integration")]
public sealed class TracingTests(TracedSystemFixture fixture) : IClassFixture<TracedSystemFixture>
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task An_http_publish_is_one_trace_from_the_request_through_the_grain_calls_and_the_stream_to_each_edge_s_delivery()
    {
        await using var alice = await ConnectAsync(0, "alice", "/realtime");
        await using var bob = await ConnectAsync(1, "bob", "/realtime");
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpanId = ActivitySpanId.CreateRandom();

        // A backend calling with its own trace context, as an instrumented HTTP client sends it.
        using var http = Service(0);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/realtime/broadcast/workspace/{_workspaceId}")
        {
            Content = JsonContent.Create(new { @event = "campaign:launched", data = new { n = 1 } }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await alice.Events.WaitForAsync(e => e.Name == "campaign:launched", "alice's broadcast (edge 0)");
        await bob.Events.WaitForAsync(e => e.Name == "campaign:launched", "bob's broadcast (edge 1)");

        var trace = await TraceAsync(traceId, spans => spans.Count(s => s.Kind == ActivityKind.Consumer) == 2, "both edges' delivery spans are in the trace");
        foreach (var edge in new[] { 0, 1 })
        {
            var chain = ChainTo(trace, Delivery(trace, edge));
            Assert.Equal(callerSpanId, chain[0].ParentSpanId);
            Assert.Equal(
                [
                    "Microsoft.AspNetCore Server POST /realtime/broadcast/workspace/{workspaceId}",
                    "Microsoft.Orleans.Application Client IBroadcastGrain/ToWorkspace",
                    "Microsoft.Orleans.Application Server IBroadcastGrain/ToWorkspace",
                    "Microsoft.Orleans.Application Client IWorkspaceGrain/Broadcast",
                    "Microsoft.Orleans.Application Server IWorkspaceGrain/Broadcast",
                    "Realtime.Orleans Producer publish other",
                    "Realtime.Orleans Consumer deliver other",
                ],
                chain.Select(Describe));
            Assert.Equal("campaign:launched", chain[^1].GetTagItem(RealtimeTracing.EventNameTag));
        }

        // One publish, one delivery span per edge beneath it: the fan-out.
        Assert.Equal(Delivery(trace, 0).ParentSpanId, Delivery(trace, 1).ParentSpanId);
        Assert.Equal(2, trace.Single(s => s.Kind == ActivityKind.Producer).GetTagItem(RealtimeTracing.EdgeCountTag));

        // The silo's log lines written in the trace carry its ids.
        var logged = await fixture.SiloLogs.Lines.WaitForAsync(
            line => line.Message.Contains(_workspaceId, StringComparison.Ordinal) && line.Message.Contains("through its feed", StringComparison.Ordinal),
            "the broadcast grain's log line");
        Assert.Equal(traceId.ToHexString(), logged.Scope.GetValueOrDefault("TraceId"));
        Assert.Contains(logged.Scope.GetValueOrDefault("SpanId"), trace.Select(s => s.SpanId.ToHexString()));
    }

    [Fact]
    public async Task A_hub_call_is_one_trace_from_the_client_s_invocation_through_the_grain_calls_to_the_other_edge_s_delivery()
    {
        await using var alice = await ConnectAsync(0, "alice", "/presence");
        await using var bob = await ConnectAsync(1, "bob", "/presence");

        // The .NET SignalR client sends the invocation's trace context in the message's headers.
        using var root = TracedSystemFixture.Tests.StartActivity(TracedSystemFixture.RootName)!;
        await alice.Connection.InvokeAsync("presence:typing", new { conversationId = "c-1", isTyping = true });
        root.Stop();

        await bob.Events.WaitForAsync(e => e.Name == "presence:typing", "bob sees alice typing (edge 1)");
        var trace = await TraceAsync(root.TraceId, spans => spans.Any(s => s.Kind == ActivityKind.Consumer), "the delivery span of the typing event is in the trace");

        var chain = ChainTo(trace, Delivery(trace, 1));
        Assert.Equal(root.SpanId, chain[0].SpanId);
        Assert.Equal(
            [
                "Realtime.IntegrationTests.Tracing Internal tracing test",
                "Microsoft.AspNetCore.SignalR.Client Client presence/presence:typing",
                "Microsoft.AspNetCore.SignalR.Server Server Realtime.EdgeGateway.Hubs.PresenceHub/presence:typing",
                "Microsoft.Orleans.Application Client IUserPresenceGrain/SetTyping",
                "Microsoft.Orleans.Application Server IUserPresenceGrain/SetTyping",
                "Microsoft.Orleans.Application Client IWorkspaceGrain/TypingChanged",
                "Microsoft.Orleans.Application Server IWorkspaceGrain/TypingChanged",
                "Realtime.Orleans Producer publish presence:typing",
                "Realtime.Orleans Consumer deliver presence:typing",
            ],
            chain.Select(Describe));
    }

    [Fact]
    public async Task A_connect_is_one_trace_from_the_connection_request_through_the_grain_calls_to_the_presence_update_on_the_other_edge()
    {
        await using var bob = await ConnectAsync(1, "bob", "/presence");
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpanId = ActivitySpanId.CreateRandom();

        // A client whose requests (negotiate, then the WebSocket) carry its trace context.
        var token = System.Tokens.Issue("carol", [_workspaceId], [], TimeSpan.FromMinutes(5));
        var carol = new HubConnectionBuilder()
            .WithUrl(new Uri(System.EdgeUrls[0], $"/presence?workspaceId={_workspaceId}"), o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Headers["traceparent"] = $"00-{traceId}-{callerSpanId}-01";
            })
            .Build();
        await carol.StartAsync();
        await bob.WaitForPresenceAsync("carol", "online");

        // The connection's span ends with the connection.
        await carol.DisposeAsync();
        var trace = await TraceAsync(
            traceId,
            spans => spans.Any(s => s.Kind == ActivityKind.Consumer && IsOn(s, 1)) && spans.Any(s => s.DisplayName.StartsWith("GET ", StringComparison.Ordinal)),
            "the connection's span and the delivery to bob's edge are in the trace");

        // The first delivery to bob's edge: carol's disconnect may add one later, beneath its own span.
        var chain = ChainTo(trace, trace.Where(s => s.Kind == ActivityKind.Consumer && IsOn(s, 1)).MinBy(s => s.StartTimeUtc)!);
        Assert.Equal(callerSpanId, chain[0].ParentSpanId);
        Assert.Equal(
            [
                "Microsoft.AspNetCore Server GET /presence",
                "Microsoft.AspNetCore.SignalR.Server Internal Realtime.EdgeGateway.Hubs.PresenceHub/OnConnectedAsync",
                "Microsoft.Orleans.Application Client IUserPresenceGrain/Connect",
                "Microsoft.Orleans.Application Server IUserPresenceGrain/Connect",
                "Microsoft.Orleans.Application Client IWorkspaceGrain/MemberChanged",
                "Microsoft.Orleans.Application Server IWorkspaceGrain/MemberChanged",
                "Realtime.Orleans Producer publish presence:update",
                "Realtime.Orleans Consumer deliver presence:update",
            ],
            chain.Select(Describe));
    }

    /// <summary>"source kind name": what a span is, without its ids.</summary>
    private static string Describe(Activity span) => $"{span.Source.Name} {span.Kind} {span.DisplayName}";

    /// <summary>
    /// The spans from the first one of the trace in this process down to <paramref name="leaf"/>,
    /// following parent ids only: a span whose parent is missing ends the walk.
    /// </summary>
    private static List<Activity> ChainTo(IReadOnlyList<Activity> trace, Activity leaf)
    {
        var bySpanId = trace.ToDictionary(s => s.SpanId);
        var chain = new List<Activity> { leaf };
        while (bySpanId.TryGetValue(chain[^1].ParentSpanId, out var parent))
        {
            chain.Add(parent);
        }

        chain.Reverse();
        return chain;
    }

    private Activity Delivery(IReadOnlyList<Activity> trace, int edge) =>
        trace.Single(s => s.Kind == ActivityKind.Consumer && IsOn(s, edge));

    /// <summary>Whether a delivery span is edge <paramref name="edge"/>'s.</summary>
    private bool IsOn(Activity span, int edge) =>
        (string?)span.GetTagItem(RealtimeTracing.EdgeIdTag) == System.EdgeService<EdgeIdentity>(edge).EdgeId;

    /// <summary>The spans of the trace once <paramref name="complete"/>; on a timeout, the failure lists those it has.</summary>
    private async Task<IReadOnlyList<Activity>> TraceAsync(ActivityTraceId traceId, Func<IReadOnlyList<Activity>, bool> complete, string because)
    {
        try
        {
            return await Eventually.UntilAsync(() => Task.FromResult(fixture.Spans.Of(traceId)), complete, because);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}. The trace has: {string.Join(" | ", fixture.Spans.Of(traceId).Select(Describe))}", ex);
        }
    }

    private async Task<TestClient> ConnectAsync(int edge, string userId, string hub)
    {
        var token = System.Tokens.Issue(userId, [_workspaceId], [], TimeSpan.FromMinutes(5));
        var client = await TestClient.ConnectAsync(System.EdgeUrls[edge], token, _workspaceId, hub);
        client.Record("campaign:launched");

        // Registered with the workspace: presence tells, on either hub.
        await client.WaitForPresenceAsync(userId, "online");
        return client;
    }

    private HttpClient Service(int edge)
    {
        var http = new HttpClient { BaseAddress = System.EdgeUrls[edge] };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", System.Tokens.Issue("crm-service", [], ["service"], TimeSpan.FromMinutes(5)));
        return http;
    }
}

/// <summary>
/// A silo and two edges in this process, with one tracer for all of them made of what the silo
/// and the edges trace (their own AddSiloTraceSources and AddEdgeTraceSources) and an in-memory
/// exporter. It samples only traces the tests start (a caller's sampled traceparent, or a root of
/// <see cref="Tests"/>), never another test's traffic. The silo's log lines are kept with their scopes.
/// </summary>
public sealed class TracedSystemFixture : IAsyncLifetime
{
    public const string RootName = "tracing test";

    public static readonly ActivitySource Tests = new("Realtime.IntegrationTests.Tracing");

    private TracerProvider? _tracer;

    public RealtimeSystem System { get; private set; } = null!;

    public ExportedSpans Spans { get; } = new();

    public ScopedLogs SiloLogs { get; } = new();

    public async Task InitializeAsync()
    {
        _tracer = Sdk.CreateTracerProviderBuilder()
            .AddSiloTraceSources()
            .AddEdgeTraceSources()
            .AddSource(Tests.Name, "Microsoft.AspNetCore.SignalR.Client")
            .SetSampler(new ParentBasedSampler(new TestRootsOnly()))
            .AddInMemoryExporter(Spans)
            .Build();
        System = await RealtimeSystem.StartEmbeddedAsync(
            edgeCount: 2,
            configureSilo: silo => silo.Logging.AddProvider(SiloLogs).AddFilter<ScopedLogs>("Realtime", LogLevel.Debug));
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        _tracer?.Dispose();
        SiloLogs.Dispose();
    }

    /// <summary>Roots of the tests only; children follow their parent (ParentBasedSampler).</summary>
    private sealed class TestRootsOnly : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            new(samplingParameters.Name == RootName ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
    }
}

/// <summary>The exporter's collection: written by the exporting thread, read by the test.</summary>
public sealed class ExportedSpans : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>The spans of one trace exported so far.</summary>
    public IReadOnlyList<Activity> Of(ActivityTraceId traceId)
    {
        lock (_spans)
        {
            return [.. _spans.Where(s => s.TraceId == traceId)];
        }
    }

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item)
    {
        lock (_spans)
        {
            return _spans.Contains(item);
        }
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_spans)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator()
    {
        lock (_spans)
        {
            return _spans.ToList().GetEnumerator();
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A log line and the values of the scopes it was written in (TraceId and SpanId among them when a span was current).</summary>
public sealed record ScopedLogLine(string Category, string Message, IReadOnlyDictionary<string, string?> Scope);

/// <summary>Log lines with their scopes, as a console logger with IncludeScopes writes them.</summary>
public sealed class ScopedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public EventLog<ScopedLogLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ScopedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, string?>();
            logs._scopes.ForEachScope(
                (value, values) =>
                {
                    if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, item) in pairs)
                        {
                            values[key] = item?.ToString();
                        }
                    }
                },
                scope);
            logs.Lines.Add(new ScopedLogLine(category, formatter(state, exception), scope));
        }
    }
}
