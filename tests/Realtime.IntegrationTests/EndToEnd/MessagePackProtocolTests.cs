using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Grains.Inbox;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>MessagePack is offered beside JSON, with the same payload shape: camelCase keys, status strings, ISO timestamps.</summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class MessagePackProtocolTests(EmbeddedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_MessagePack_client_gets_presence_in_the_wire_contract_shape()
    {
        var system = fixture.System;
        var updates = new EventLog<PresenceView>();
        await using var alice = Connect(system, "alice");
        alice.On<PresenceView>("presence:update", updates.Add);
        await alice.StartAsync();
        await using var bob = Connect(system, "bob");
        await bob.StartAsync();

        var update = await updates.WaitForAsync(u => u.Users.Any(p => p.UserId == "bob" && p.Status == "online"), "bob online over MessagePack");
        Assert.Equal(_workspaceId, update.WorkspaceId);
        Assert.EndsWith("Z", update.Users.Single(p => p.UserId == "bob").LastSeen, StringComparison.Ordinal);

        await bob.InvokeAsync("page:navigate", new PageView { Page = "/reports" });
        await updates.WaitForAsync(u => u.Users.Any(p => p.CurrentPage == "/reports"), "bob's page over MessagePack");
    }

    [Fact]
    public async Task A_MessagePack_client_gets_the_inbox_in_the_wire_contract_shape()
    {
        var system = fixture.System;
        await new InboxService(system.EdgeService<IClusterClient>()).AddCustomerMessage(_workspaceId, "conv-1", "m1", "customer-1", "Hi");
        var messages = new EventLog<InboxMessageView>();
        await using var agent = Connect(system, "agent", "/inbox");
        agent.On<InboxMessageView>("inbox:message", messages.Add);
        await agent.StartAsync();

        var subscribed = await agent.InvokeAsync<InboxSubscribedView>("inbox:subscribe", new InboxSubscribeView { ConversationId = "conv-1" });
        await new InboxService(system.EdgeService<IClusterClient>()).AddCustomerMessage(_workspaceId, "conv-1", "m2", "customer-1", "Hello?");

        Assert.Equal((_workspaceId, "conv-1", "open"), (subscribed.WorkspaceId, subscribed.ConversationId, subscribed.Conversation!.Status));
        Assert.EndsWith("Z", subscribed.Conversation.WaitingSince, StringComparison.Ordinal);
        var message = await messages.WaitForAsync(m => m.MessageId == "m2", "the message over MessagePack");
        Assert.Equal(("conv-1", true), (message.ConversationId, message.FromCustomer));
        Assert.EndsWith("Z", message.SentAt, StringComparison.Ordinal);
    }

    private HubConnection Connect(RealtimeSystem system, string userId, string hub = "/realtime") =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(system.EdgeUrls[0], $"{hub}?workspaceId={_workspaceId}"), o =>
                o.AccessTokenProvider = () => Task.FromResult<string?>(system.Tokens.Issue(userId, [_workspaceId], [], TimeSpan.FromMinutes(5))))
            .AddMessagePackProtocol()
            .Build();
}
