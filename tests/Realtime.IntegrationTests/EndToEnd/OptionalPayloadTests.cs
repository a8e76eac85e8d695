using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Realtime.EdgeGateway.Protocols;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>presence:get takes an optional page: it can be invoked with or without it, over JSON and MessagePack.</summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class OptionalPayloadTests(EmbeddedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task Json_presence_get_works_without_and_with_a_page()
    {
        await using var alice = await TestClient.ConnectAsync(fixture.System.EdgeUrls[0], Token("alice"), _workspaceId);

        var withoutPage = await alice.Connection.InvokeAsync<JsonElement>("presence:get");
        var withPage = await alice.Connection.InvokeAsync<JsonElement>("presence:get", new { cursor = (string?)null, limit = 10 });

        foreach (var list in new[] { withoutPage, withPage })
        {
            Assert.Equal(_workspaceId, list.GetProperty("workspaceId").GetString());
            Assert.Equal("alice", list.GetProperty("users").EnumerateArray().Single().GetProperty("userId").GetString());
        }
    }

    [Fact]
    public async Task MessagePack_presence_get_works_without_and_with_a_page()
    {
        await using var alice = ConnectMessagePack("alice");
        await alice.StartAsync();

        var withoutPage = await alice.InvokeAsync<PresenceView>("presence:get");
        var withPage = await alice.InvokeAsync<PresenceView>("presence:get", new PageRequestView { Limit = 10 });

        foreach (var list in new[] { withoutPage, withPage })
        {
            Assert.Equal(_workspaceId, list.WorkspaceId);
            Assert.Equal("alice", Assert.Single(list.Users).UserId);
        }
    }

    [Fact]
    public async Task Json_a_required_payload_is_still_required_and_the_connection_stays_usable()
    {
        await using var alice = await TestClient.ConnectAsync(fixture.System.EdgeUrls[0], Token("alice"), _workspaceId);

        var error = await Assert.ThrowsAsync<HubException>(() => alice.Connection.InvokeAsync("page:navigate"));

        AssertBindingFailure(error);
        await alice.Connection.InvokeAsync<JsonElement>("presence:get");
        Assert.Equal(HubConnectionState.Connected, alice.Connection.State);
    }

    [Fact]
    public async Task MessagePack_a_required_payload_is_still_required_and_the_connection_stays_usable()
    {
        await using var alice = ConnectMessagePack("alice");
        await alice.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => alice.InvokeAsync("page:navigate"));

        AssertBindingFailure(error);
        await alice.InvokeAsync<PresenceView>("presence:get");
        Assert.Equal(HubConnectionState.Connected, alice.State);
    }

    [Fact]
    public void The_edge_resolves_each_protocol_name_to_one_wrapped_protocol()
    {
        var resolver = fixture.System.EdgeService<IHubProtocolResolver>();

        Assert.Equal(["json", "messagepack"], resolver.AllProtocols.Select(p => p.Name).Order());
        Assert.All(resolver.AllProtocols, p => Assert.IsType<OptionalPayloadHubProtocol>(p));
        Assert.IsType<OptionalPayloadHubProtocol>(resolver.GetProtocol("json", null));
        Assert.IsType<OptionalPayloadHubProtocol>(resolver.GetProtocol("messagepack", null));
    }

    // The argument count stays in the server log (detailed errors are off); a binding failure has its own message,
    // unlike Navigate invoked with a null page, which would fail inside the method.
    private static void AssertBindingFailure(HubException error) =>
        Assert.Equal("Failed to invoke 'page:navigate' due to an error on the server.", error.Message);

    private string Token(string userId) => fixture.System.Tokens.Issue(userId, [_workspaceId], [], TimeSpan.FromMinutes(5));

    private HubConnection ConnectMessagePack(string userId) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.System.EdgeUrls[0], $"/realtime?workspaceId={_workspaceId}"), o =>
                o.AccessTokenProvider = () => Task.FromResult<string?>(Token(userId)))
            .AddMessagePackProtocol()
            .Build();
}
