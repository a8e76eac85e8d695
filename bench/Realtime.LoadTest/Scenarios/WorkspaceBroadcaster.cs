using System.Net.Http.Headers;
using System.Net.Http.Json;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Broadcasting;
using Realtime.LoadTest.Metrics;
using Realtime.LoadTest.Systems;

namespace Realtime.LoadTest.Scenarios;

/// <summary>
/// A backend broadcasting { seq, sentAt } to a workspace: "grain", a .NET backend's
/// <see cref="RealtimeService"/>, or "http", POST /realtime/broadcast/workspace/{id} with a service token
/// over at most <paramref name="connections"/> HTTP/1.1 keep-alive connections to the edge.
/// </summary>
public sealed class WorkspaceBroadcaster(OrleansSystem system, string publisher, int connections) : IDisposable
{
    private readonly RealtimeService _service = new(system.Client);
    private readonly HttpClient? _http = publisher == "http" ? HttpPublisher(system, connections) : null;

    public Task PublishAsync(string workspace, string eventName, long seq) => _http is { } http
        ? PostAsync(http, workspace, eventName, seq)
        : _service.BroadcastToWorkspace(workspace, eventName, new { seq, sentAt = WallClock.NowMicros() });

    public void Dispose() => _http?.Dispose();

    private static HttpClient HttpPublisher(OrleansSystem system, int connections)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = system.EdgeUrl };
        var token = new DevelopmentTokenIssuer(OrleansSystem.Jwt, TimeProvider.System).Issue("bench-publisher", [], ["service"], TimeSpan.FromHours(2));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task PostAsync(HttpClient http, string workspace, string eventName, long seq)
    {
        using var response = await http.PostAsJsonAsync($"/realtime/broadcast/workspace/{workspace}", new { @event = eventName, data = new { seq, sentAt = WallClock.NowMicros() } });
        response.EnsureSuccessStatusCode();
    }
}
