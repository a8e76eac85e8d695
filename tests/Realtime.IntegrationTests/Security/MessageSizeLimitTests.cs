using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Realtime.EdgeGateway.Limits;

namespace Realtime.IntegrationTests.Security;

/// <summary>Edge:Limits:MaxMessageBytes, over real sockets.</summary>
[Trait("Kind", "Integration")]
[Collection(LimitedSystemCollection.Name)]
public sealed class MessageSizeLimitTests(LimitedSystemFixture fixture)
{
    private readonly string _workspaceId = $"ws-{Guid.NewGuid():N}";

    [Fact]
    public async Task An_oversized_message_closes_only_its_connection_and_is_counted()
    {
        var userId = $"big-{Guid.NewGuid():N}";
        await using var sender = await fixture.ConnectAsync(userId, _workspaceId);
        await using var teammate = await fixture.ConnectAsync($"mate-{Guid.NewGuid():N}", _workspaceId);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        // SignalR cannot skip a message it refused to buffer, so it closes the connection with an error.
        var page = new string('x', LimitedSystemFixture.MaxMessageBytes * 2);
        await Assert.ThrowsAnyAsync<Exception>(() => sender.Connection.InvokeAsync("page:navigate", new { page }));
        var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(error);

        // The server is up: the teammate's connection carries on, and the sender can connect again.
        await teammate.Connection.InvokeAsync<JsonElement>("ping");
        await using var again = await fixture.ConnectAsync(userId, _workspaceId);
        await again.Connection.InvokeAsync<JsonElement>("ping");
        await again.Connection.InvokeAsync("page:navigate", new { page = "/inbox" });

        Assert.True(await fixture.WaitForRejectionsAsync(LimitNames.MessageSize, "realtime") >= 1);
    }
}
