using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Realtime.Testing.Wire;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// A production-like edge (no detailed errors) whose rates are far above what the fuzzing sends,
/// so that inputs reach validation instead of the rate limiter, with small field and message
/// limits so that "just under" and "just over" are cheap to send.
/// </summary>
public sealed class MalformedInputFixture : IAsyncLifetime
{
    public const int MaxMessageBytes = 8192;
    public const int MaxPageLength = 128;
    public const int MaxIdLength = 64;

    public RealtimeSystem System { get; private set; } = null!;

    public ServerErrorLog Errors { get; } = new();

    public Uri Edge => System.EdgeUrls[0];

    public async Task InitializeAsync() =>
        System = await RealtimeSystem.StartEmbeddedAsync(
            environment: "Production",
            edgeSettings: new Dictionary<string, string?>
            {
                ["Edge:Limits:MaxMessageBytes"] = $"{MaxMessageBytes}",
                ["Edge:Limits:EventsPerSecondPerConnection"] = "100000",
                ["Edge:Limits:EventBurstPerConnection"] = "1000000",
                ["Edge:Limits:EventsPerSecondPerUser"] = "1000000",
                ["Edge:Limits:EventBurstPerUser"] = "10000000",
                ["Edge:Limits:MaxConnectionsPerUser"] = "0",
                ["Edge:Limits:MaxPageLength"] = $"{MaxPageLength}",
                ["Edge:Limits:MaxIdLength"] = $"{MaxIdLength}",
            },
            // Only this log: SignalR logs every refused call with its stack, thousands here, which would drown the run.
            configureEdge: edge => edge.Logging.ClearProviders().AddProvider(Errors).AddFilter<ServerErrorLog>(null, LogLevel.Error));

    public async Task DisposeAsync() => await System.DisposeAsync();

    public string Token(string userId, string workspaceId, params string[] roles) =>
        System.Tokens.Issue(userId, [workspaceId], roles, TimeSpan.FromMinutes(10));

    public Task<RawHubSocket> RawAsync(string userId, string workspaceId, string hubPath, WireProtocol protocol = WireProtocol.Json, byte[]? handshake = null) =>
        RawHubSocket.ConnectAsync(Edge, hubPath, workspaceId, Token(userId, workspaceId), protocol, handshake);

    public Task<TestClient> ConnectAsync(string userId, string workspaceId, string hubPath = "/realtime") =>
        TestClient.ConnectAsync(Edge, Token(userId, workspaceId), workspaceId, hubPath);

    public HttpClient Http(string userId, string workspaceId, params string[] roles)
    {
        var http = new HttpClient { BaseAddress = Edge };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId, workspaceId, roles));
        return http;
    }
}

[CollectionDefinition(Name)]
public sealed class MalformedInputCollection : ICollectionFixture<MalformedInputFixture>
{
    public const string Name = "Malformed input";
}
