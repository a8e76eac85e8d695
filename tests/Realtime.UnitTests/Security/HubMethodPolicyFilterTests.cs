using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Realtime.EdgeGateway.Identity;

namespace Realtime.UnitTests.Security;

/// <summary>
/// The policy a hub declares once applies to every call of its methods, with the edge's real
/// policies; a hub that declares none refuses every call.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class HubMethodPolicyFilterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddRealtimeAuthentication(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Jwt:Issuer"] = "issuer",
                ["Jwt:Audience"] = "audience",
                ["Jwt:SigningKey"] = "a signing key of at least thirty-two bytes",
            }).Build(),
            [])
        .BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_member_of_the_connections_workspace_is_let_through()
    {
        var result = await CallAsync(new MemberHub(), User("alice", ["w1"], "member"), "w1");

        Assert.Equal("called", result);
    }

    [Theory]
    [InlineData("service", "w1", "w1")]
    [InlineData("guest", "w1", "w1")]
    [InlineData("member", "w2", "w1")]
    public async Task A_caller_the_policy_refuses_is_refused_before_the_method(string role, string granted, string connectedTo)
    {
        var refused = await Assert.ThrowsAsync<HubException>(() => CallAsync(new MemberHub(), User("mallory", [granted], role), connectedTo));

        Assert.Equal("Failed to invoke 'Ping' because user is unauthorized", refused.Message);
    }

    [Fact]
    public async Task A_hub_without_a_policy_refuses_every_call()
    {
        Assert.Null(HubMethodPolicyFilter.PolicyOf(typeof(NoPolicyHub)));

        await Assert.ThrowsAsync<HubException>(() => CallAsync(new NoPolicyHub(), User("alice", ["w1"], "admin"), "w1"));
    }

    private async Task<object?> CallAsync(Hub hub, ClaimsPrincipal user, string workspaceId)
    {
        var http = new DefaultHttpContext { User = user };
        http.Request.QueryString = QueryString.Create(RealtimeClaims.WorkspaceIdQuery, workspaceId);
        var invocation = new HubInvocationContext(new Caller(user, http), _services, hub, hub.GetType().GetMethod("Ping")!, []);

        return await _services.GetRequiredService<HubMethodPolicyFilter>()
            .InvokeMethodAsync(invocation, _ => ValueTask.FromResult<object?>("called"));
    }

    private static ClaimsPrincipal User(string userId, string[] workspaces, string role) =>
        new(new ClaimsIdentity(
            [new Claim(RealtimeClaims.UserId, userId), new Claim(RealtimeClaims.Role, role), .. workspaces.Select(w => new Claim(RealtimeClaims.Workspaces, w))],
            authenticationType: "test",
            RealtimeClaims.UserId,
            RealtimeClaims.Role));

    [HubMethodPolicy(RealtimePolicies.WorkspaceMember)]
    private sealed class MemberHub : Hub
    {
        public Task Ping() => Task.CompletedTask;
    }

    private sealed class NoPolicyHub : Hub
    {
        public Task Ping() => Task.CompletedTask;
    }

    private sealed class Caller : HubCallerContext, IHttpContextFeature
    {
        private readonly FeatureCollection _features = new();

        public Caller(ClaimsPrincipal user, HttpContext http)
        {
            User = user;
            HttpContext = http;
            _features.Set<IHttpContextFeature>(this);
        }

        public HttpContext? HttpContext { get; set; }

        public override string ConnectionId => "c1";

        public override string? UserIdentifier => null;

        public override ClaimsPrincipal? User { get; }

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features => _features;

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }
}
