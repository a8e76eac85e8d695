using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.Grains.Streaming;
using Realtime.SystemTests.Clients;
using Xunit.Abstractions;

namespace Realtime.SystemTests.Faults;

/// <summary>
/// An edge stopped gracefully (SIGTERM, as in a rolling deploy) tells its clients to reconnect
/// and closes them with leave to reconnect; they carry on at the other edge and miss nothing.
/// </summary>
[Trait("Kind", "System")]
public sealed class EdgeDrainTests(ITestOutputHelper output)
{
    private const int Batch = 10;

    [Fact]
    public async Task A_stopping_edge_sends_its_clients_to_another_edge()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
        await using var alice = await TestClient.ConnectAsync(cluster.EdgeUrls[0], FaultTraffic.Token("alice"), FaultTraffic.WorkspaceId);
        alice.Record(RealtimeEvents.Reconnect);
        await using var bob = new FailoverNotificationClient(cluster.EdgeUrls, FaultTraffic.Token("bob"), FaultTraffic.WorkspaceId);
        await bob.StartAsync(edge: 0);
        var sent = new List<string>();
        for (var i = 0; i < Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n == Batch, "bob got the first batch");

        var stopping = Stopwatch.StartNew();
        await cluster.StopEdgeAsync(0);
        var stopTook = stopping.Elapsed;

        var reconnect = await alice.Events.WaitForAsync(e => e.Name == RealtimeEvents.Reconnect, "the reconnect event");
        await Eventually.UntilAsync(() => Task.FromResult(bob.Reconnects), n => n >= 1, "bob moved to the other edge");
        for (var i = Batch; i < 2 * Batch; i++)
        {
            sent.Add(await FaultTraffic.SendAsync(cluster.Client, "bob", i));
        }

        await Eventually.UntilAsync(() => Task.FromResult(bob.ReceivedIds.Count), n => n >= sent.Count, $"bob got all {sent.Count}");

        output.WriteLine($"edge drain: stop took {stopTook.TotalMilliseconds:F0} ms, bob reconnected in {bob.ReconnectTimes[0].TotalMilliseconds:F0} ms, " +
                         $"sent {sent.Count}, lost {sent.Except(bob.ReceivedIds).Count()}, duplicates {bob.Duplicates}");
        Assert.Equal("edge shutting down", reconnect.Payload.GetProperty("reason").GetString());
        Assert.Equal(sent, bob.ReceivedIds);
        Assert.Equal(0, bob.Duplicates);
    }

    [Fact]
    public async Task The_official_clients_reconnect_through_the_load_balancer_to_another_edge()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
        await using var balancer = new LoopbackBalancer(cluster.EdgeUrls);
        var hubUrl = new Uri(balancer.Url, $"/realtime?workspaceId={FaultTraffic.WorkspaceId}");
        await using var dotnet = new OfficialDotnetClient(hubUrl, FaultTraffic.Token("alice"));
        await dotnet.StartAsync();
        await using var js = await StockJsClient.ConnectAsync(hubUrl, FaultTraffic.Token("bob"), RealtimeEvents.Reconnect);
        var before = (dotnet.Connection.ConnectionId, js.Reports.Snapshot()[0].GetProperty("connectionId").GetString());

        await cluster.StopEdgeAsync(0);

        // Told first, then a close that allows reconnecting: neither client treats it as final.
        await dotnet.Events.WaitForAsync(e => e == "event:reconnect", "the .NET client got the reconnect event");
        await dotnet.Events.WaitForAsync(e => e == "reconnected", "the .NET client reconnected");
        await js.Reports.WaitForAsync(r => r.GetProperty("kind").GetString() == "event", "the JS client got the reconnect event");
        var reconnected = await js.WaitForStateAsync("reconnected");

        output.WriteLine($".NET client: {string.Join(" > ", dotnet.Events.Snapshot())}; JS client: {string.Join(" > ", js.Reports.Snapshot())}");
        Assert.Equal(["event:reconnect", "reconnecting", "reconnected"], dotnet.Events.Snapshot());
        Assert.False(js.Reported("closed"));
        Assert.NotEqual(before.Item2, reconnected.GetProperty("connectionId").GetString());

        // The other edge serves them now.
        var pong = await dotnet.Connection.InvokeAsync<System.Text.Json.JsonElement>("ping");
        Assert.True(pong.TryGetProperty("timestamp", out _));
        Assert.NotEqual(before.Item1, dotnet.Connection.ConnectionId);
    }

    /// <summary>An official .NET client with automatic reconnect, recording its reconnect event and state changes in order.</summary>
    private sealed class OfficialDotnetClient(Uri hubUrl, string token) : IAsyncDisposable
    {
        public HubConnection Connection { get; } = new HubConnectionBuilder()
            .WithUrl(hubUrl, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)])
            .Build();

        public EventLog<string> Events { get; } = new();

        public Task StartAsync()
        {
            Connection.On<System.Text.Json.JsonElement>(RealtimeEvents.Reconnect, _ => Events.Add("event:reconnect"));
            Connection.Reconnecting += _ => Record("reconnecting");
            Connection.Reconnected += _ => Record("reconnected");
            Connection.Closed += _ => Record("closed");
            return Connection.StartAsync();
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();

        private Task Record(string state)
        {
            Events.Add(state);
            return Task.CompletedTask;
        }
    }
}
