namespace Realtime.TestFixtures;

/// <summary>
/// What the tenant matrix tries: every client-to-server hub event of docs/protocol.md (and the
/// edge's extensions) and every HTTP endpoint, each with the payload a legitimate member of
/// <c>A</c> would send.
/// </summary>
public static class TenantMatrix
{
    /// <summary>A hub event and a valid payload naming workspace <c>a</c>, or null for events without one.</summary>
    public sealed record HubEvent(string Hub, string Name, Func<string, object?> Payload)
    {
        public override string ToString() => $"{Hub} {Name}";
    }

    /// <summary>An HTTP endpoint of workspace <c>a</c>; <see cref="WithoutRole"/> is the role a caller needs but lacks.</summary>
    public sealed record Endpoint(HttpMethod Method, Func<string, string> Path, Func<string, object?> Body, Role WithoutRole)
    {
        public override string ToString() => $"{Method} {Path("{workspaceId}")}";
    }

    /// <summary>The token that holds everything but the role an endpoint needs.</summary>
    public enum Role
    {
        /// <summary>A guest role granting workspace A: neither member, admin nor service.</summary>
        Guest,

        /// <summary>A service granting workspace A: not a person, has no notifications of its own.</summary>
        Service,

        /// <summary>A member of A: not a service or admin.</summary>
        Member,
    }

    public static readonly IReadOnlyList<HubEvent> HubEvents =
    [
        new("/realtime", "page:navigate", a => new { workspaceId = a, page = $"/{a}/secret" }),
        new("/realtime", "ping", _ => null),
        new("/realtime", "presence:get", a => new { workspaceId = a }),
        new("/notifications", "notification:read", a => new { workspaceId = a, notificationId = "1-00000000" }),
        new("/notifications", "notification:read:all", _ => null),
        new("/notifications", "notification:subscribe", a => new { workspaceId = a, types = new[] { "mention" } }),
        new("/notifications", "notification:sync", a => new { workspaceId = a, lastNotificationId = "1-00000000" }),
        new("/notifications", "notification:unread", _ => null),
        new("/presence", "presence:status", a => new { workspaceId = a, status = "away" }),
        new("/presence", "presence:typing", a => new { workspaceId = a, conversationId = $"{a}-conv", isTyping = true }),
        new("/presence", "presence:activity", a => new { workspaceId = a, type = "editing", resourceId = $"{a}-post", resourceType = "post" }),
        new("/presence", "presence:online", a => new { workspaceId = a }),
        new("/presence", "presence:watch", a => new { workspaceId = a, userIds = new[] { "alice" } }),
        new("/dashboard", "dashboard:subscribe", a => new { workspaceId = a }),
        new("/inbox", "inbox:subscribe", a => new { workspaceId = a }),
        new("/inbox", "inbox:typing", a => new { workspaceId = a, conversationId = $"{a}-conv", isTyping = true }),
        new("/inbox", "inbox:read", a => new { workspaceId = a, conversationId = $"{a}-conv", messageId = "m1" }),
        new("/metrics", "metrics:subscribe", a => new { workspaceId = a }),
    ];

    public static readonly IReadOnlyList<Endpoint> Endpoints =
    [
        new(HttpMethod.Get, a => $"/realtime/presence/workspace/{a}", _ => null, Role.Guest),
        new(HttpMethod.Get, a => $"/realtime/presence/user/alice/workspace/{a}", _ => null, Role.Guest),
        new(HttpMethod.Get, a => $"/realtime/stats/workspace/{a}", _ => null, Role.Guest),
        new(HttpMethod.Get, a => $"/realtime/notifications/workspace/{a}", _ => null, Role.Service),
        new(HttpMethod.Post, _ => "/realtime/notifications/send", a => new { userId = "alice", workspaceId = a, type = "mention", title = $"{a} secret", message = a }, Role.Member),
        new(HttpMethod.Get, _ => "/realtime/stats", _ => null, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/notifications/workspace/{a}", a => new { type = "crisis", title = $"{a} secret", message = a }, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/broadcast/workspace/{a}", a => new { @event = "campaign:launched", data = new { secret = a } }, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/broadcast/user/alice/workspace/{a}", a => new { @event = "campaign:launched", data = new { secret = a } }, Role.Member),
        new(HttpMethod.Post, _ => "/realtime/broadcast/all", a => new { @event = "campaign:launched", data = new { secret = a } }, Role.Member),
        new(HttpMethod.Get, a => $"/realtime/dashboard/{a}", _ => null, Role.Guest),
        new(HttpMethod.Post, a => $"/realtime/dashboard/{a}/metric", a => new { metric = "reach", value = 1 }, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/dashboard/{a}/post", a => new { postId = "p1", post = new { title = a } }, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/dashboard/{a}/analytics", a => new { analytics = new { secret = a } }, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/dashboard/{a}/followers", _ => new { platform = "instagram", accountId = "acct", followers = 1, change = 1 }, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/dashboard/{a}/engagement", a => new { platform = "instagram", engagement = new { secret = a } }, Role.Member),
        new(HttpMethod.Post, a => $"/realtime/metrics/{a}", _ => new { metric = "depth", value = 1 }, Role.Member),
        new(HttpMethod.Get, a => $"/realtime/inbox/{a}/conversations/{a}-conv", _ => null, Role.Guest),
        new(HttpMethod.Post, a => $"/realtime/inbox/{a}/conversations/{a}-conv/messages", a => new { messageId = "m-x", from = "customer", authorId = "cust", content = $"{a} secret" }, Role.Member),
        new(HttpMethod.Patch, a => $"/realtime/inbox/{a}/conversations/{a}-conv", _ => new { status = "resolved" }, Role.Member),
        new(HttpMethod.Delete, a => $"/realtime/connections/user/alice?workspaceId={a}", _ => null, Role.Member),
    ];
}
