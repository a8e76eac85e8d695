using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// An embedded system with small limits, shared by the limits tests (one collection: they run one
/// after another, so a flood in one does not skew the timings of another). Each test uses its own
/// users, whose buckets and connection counts are their own.
/// </summary>
public sealed class LimitedSystemFixture : IAsyncLifetime
{
    public const int MaxMessageBytes = 4096;
    public const int EventsPerSecondPerConnection = 5;
    public const int EventsPerSecondPerUser = 4;
    public const int EventBurstPerUser = 8;
    public const int MaxConnectionsPerUser = 3;
    public const int MaxPageLength = 32;
    public const int MaxIdLength = 24;
    public const int MaxNotificationTitleLength = 40;
    public const int HttpRequestsPerSecondPerCaller = 5;
    public const int HttpBurstPerCaller = 10;

    public RealtimeSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await RealtimeSystem.StartEmbeddedAsync(edgeSettings: new Dictionary<string, string?>
    {
        ["Edge:Limits:MaxMessageBytes"] = $"{MaxMessageBytes}",
        ["Edge:Limits:EventsPerSecondPerConnection"] = $"{EventsPerSecondPerConnection}",
        ["Edge:Limits:EventBurstPerConnection"] = $"{EventsPerSecondPerConnection}",
        ["Edge:Limits:EventsPerSecondPerUser"] = $"{EventsPerSecondPerUser}",
        ["Edge:Limits:EventBurstPerUser"] = $"{EventBurstPerUser}",
        ["Edge:Limits:MaxConnectionsPerUser"] = $"{MaxConnectionsPerUser}",
        ["Edge:Limits:MaxPageLength"] = $"{MaxPageLength}",
        ["Edge:Limits:MaxIdLength"] = $"{MaxIdLength}",
        ["Edge:Limits:MaxNotificationTitleLength"] = $"{MaxNotificationTitleLength}",
        ["Edge:Limits:HttpRequestsPerSecondPerCaller"] = $"{HttpRequestsPerSecondPerCaller}",
        ["Edge:Limits:HttpBurstPerCaller"] = $"{HttpBurstPerCaller}",
    });

    public async Task DisposeAsync() => await System.DisposeAsync();

    public string Token(string userId, string workspaceId, params string[] roles) =>
        System.Tokens.Issue(userId, [workspaceId], roles, TimeSpan.FromMinutes(5));

    public Task<TestClient> ConnectAsync(string userId, string workspaceId, string hubPath = "/realtime") =>
        TestClient.ConnectAsync(System.EdgeUrls[0], Token(userId, workspaceId), workspaceId, hubPath);

    /// <summary>Waits until the edge's scrape counts at least one refusal by <paramref name="limit"/> on <paramref name="hub"/>.</summary>
    public async Task<double> WaitForRejectionsAsync(string limit, string hub)
    {
        using var http = new HttpClient();
        var scrape = await Eventually.UntilAsync(
            () => PrometheusScrape.FetchAsync(http, System.EdgeUrls[0]),
            s => Rejections(s, limit, hub) > 0,
            $"the scrape counts a refusal by {limit} on {hub}");
        return Rejections(scrape, limit, hub);
    }

    private static double Rejections(PrometheusScrape scrape, string limit, string hub) =>
        scrape.Samples
            .Where(s => s.Name == "realtime_edge_limits_rejected_total" && s.Labels.GetValueOrDefault("limit") == limit && s.Labels.GetValueOrDefault("hub") == hub)
            .Sum(s => s.Value);
}

[CollectionDefinition(Name)]
public sealed class LimitedSystemCollection : ICollectionFixture<LimitedSystemFixture>
{
    public const string Name = "Limited system";
}
