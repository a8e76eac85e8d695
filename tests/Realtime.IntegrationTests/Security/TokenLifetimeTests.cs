using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// A hub connection lives no longer than its token (CloseOnAuthenticationExpiration); the
/// client's reconnect, asking its token provider again, gets a fresh token and a new connection.
/// The edge runs with Jwt:ClockSkew 0, so a token is expired the moment its exp passes.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(SecuritySystemCollection.Name)]
public sealed class TokenLifetimeTests(SecuritySystemFixture fixture)
{
    private static readonly TimeSpan ShortLife = TimeSpan.FromSeconds(3);

    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task An_expired_token_closes_the_connection_and_the_reconnect_with_a_fresh_token_works()
    {
        var expiries = new List<DateTimeOffset>();
        Task<string?> FreshToken()
        {
            lock (expiries)
            {
                expiries.Add(DateTimeOffset.UtcNow + ShortLife);
            }

            return Task.FromResult<string?>(fixture.System.Tokens.Issue("alice", [_workspaceId], ["member"], ShortLife));
        }

        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.System.EdgeUrls[0], $"/realtime?workspaceId={_workspaceId}"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = FreshToken;
            })
            .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)])
            .Build();
        var lost = new EventLog<DateTimeOffset>();
        var reconnected = new EventLog<string>();
        connection.Reconnecting += _ =>
        {
            lost.Add(DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        };
        connection.Closed += _ =>
        {
            lost.Add(DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        };
        connection.Reconnected += id =>
        {
            reconnected.Add(id ?? "");
            return Task.CompletedTask;
        };

        await connection.StartAsync();
        var first = connection.ConnectionId;
        await connection.InvokeAsync<JsonElement>("ping");

        var closedAt = await lost.WaitForAsync(_ => true, "the connection to close when its token expires");
        var newId = await reconnected.WaitForAsync(_ => true, "the automatic reconnect with a fresh token");

        DateTimeOffset firstExpiry;
        lock (expiries)
        {
            firstExpiry = expiries[0];
        }

        // Not closed before the token's end (its exp has whole-second precision: one second of slack).
        Assert.True(closedAt >= firstExpiry - TimeSpan.FromSeconds(1), $"closed at {closedAt:O}, token valid until {firstExpiry:O}");
        Assert.NotEqual(first, newId);
        Assert.Equal(HubConnectionState.Connected, connection.State);
        var pong = await connection.InvokeAsync<JsonElement>("ping");
        Assert.True(pong.TryGetProperty("timestamp", out _));
    }

    [Fact]
    public async Task A_token_that_expired_a_moment_ago_is_refused_with_no_clock_skew()
    {
        var token = fixture.System.Tokens.Issue("alice", [_workspaceId], ["member"], TimeSpan.FromSeconds(1));

        // Negotiate, as every official client does first: its answer is the status itself (a
        // client's start() reports a refused WebSocket upgrade as another exception type).
        using var http = new HttpClient { BaseAddress = fixture.System.EdgeUrls[0] };
        await Eventually.UntilAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/realtime/negotiate?negotiateVersion=1&workspaceId={_workspaceId}");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request);
                return response.StatusCode;
            },
            status => status == System.Net.HttpStatusCode.Unauthorized,
            "the one-second token is refused once expired");
    }
}
