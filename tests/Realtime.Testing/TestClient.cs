using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Realtime.Testing;

/// <summary>An event as a client received it: its name and its JSON payload.</summary>
public sealed record ReceivedEvent(string Name, JsonElement Payload)
{
    public override string ToString() => $"{Name} {Payload.GetRawText()}";
}

/// <summary>A real SignalR .NET client over a real WebSocket that records every event it is sent.</summary>
public sealed class TestClient : IAsyncDisposable
{
    private static readonly string[] ServerEvents =
    [
        "connected", "pong", "presence:update", "presence:list", "presence:summary", "presence:typing",
        "presence:activity", "presence:online:list", "presence:watch:ack",
        "notification", "notification:read:ack", "notification:subscribe:ack", "notification:unread",
        "dashboard:subscribed", "dashboard:metric:update", "dashboard:post:update", "dashboard:analytics:update",
        "dashboard:followers:update", "dashboard:engagement:update", "metrics:subscribed", "metrics:update",
        "inbox:subscribed", "inbox:message", "inbox:conversation:update", "inbox:typing", "inbox:read:receipt",
        "inbox:sla:escalation", "session:revoked",
    ];

    private TestClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public EventLog<ReceivedEvent> Events { get; } = new();

    public static HubConnection Build(
        Uri edge,
        string hubPath,
        string workspaceId,
        string? token,
        string? extraQuery = null,
        HttpTransportType transport = HttpTransportType.WebSockets) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(edge, $"{hubPath}?workspaceId={Uri.EscapeDataString(workspaceId)}{(extraQuery is null ? "" : "&" + extraQuery)}"), o =>
            {
                o.Transports = transport;
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    public static async Task<TestClient> ConnectAsync(
        Uri edge,
        string token,
        string workspaceId,
        string hubPath = "/realtime",
        string? extraQuery = null,
        HttpTransportType transport = HttpTransportType.WebSockets,
        IEnumerable<string>? record = null)
    {
        var client = new TestClient(Build(edge, hubPath, workspaceId, token, extraQuery, transport));

        // Recorded from the start: a recovering connection gets its replay right after connected.
        foreach (var name in ServerEvents.Concat(record ?? []))
        {
            client.Connection.On<JsonElement>(name, payload => client.Events.Add(new ReceivedEvent(name, payload)));
        }

        await client.Connection.StartAsync();
        return client;
    }

    /// <summary>Records events of <paramref name="eventName"/> too (names chosen by backend services).</summary>
    public void Record(string eventName) =>
        Connection.On<JsonElement>(eventName, payload => Events.Add(new ReceivedEvent(eventName, payload)));

    /// <summary>Waits for a presence:update saying <paramref name="userId"/> has <paramref name="status"/>.</summary>
    public Task<ReceivedEvent> WaitForPresenceAsync(string userId, string status) =>
        Events.WaitForAsync(
            e => e.Name == "presence:update" && e.Payload.GetProperty("users").EnumerateArray().Any(u =>
                u.GetProperty("userId").GetString() == userId && u.GetProperty("status").GetString() == status),
            $"{userId} {status}");

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
