using System.Text.Json;
using Realtime.EdgeGateway.Identity;
using Realtime.Grains.Dashboards;

namespace Realtime.EdgeGateway.Api;

/// <summary>
/// Dashboard and metrics updates over HTTP (docs/protocol.md), through the same <see cref="DashboardService"/>
/// .NET backends use: each replaces the latest value of its key, which subscribers get at once and
/// new subscribers first. The latest values are read here too.
/// </summary>
public static class DashboardEndpoints
{
    public sealed record MetricRequest(string? Metric, double? Value, string? Platform, JsonElement? Data);

    public sealed record PostRequest(string? PostId, JsonElement? Post, string? Platform);

    public sealed record AnalyticsRequest(JsonElement? Analytics, string? Platform);

    public sealed record FollowersRequest(string? Platform, string? AccountId, long? Followers, long? Change);

    public sealed record EngagementRequest(string? Platform, JsonElement? Engagement, string? AccountId);

    public sealed record MetricsRequest(string? Metric, double? Value, JsonElement? Data);

    public sealed record LatestValue(string Event, object Payload);

    /// <summary>The latest values and where they stand: a /dashboard or /metrics connection opened with `recover` set to it gets every change after them.</summary>
    public sealed record LatestValues(string WorkspaceId, IReadOnlyList<LatestValue> Updates, string RecoveryPosition);

    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/realtime/dashboard/{workspaceId}", GetLatestAsync)
            .RequireAuthorization(RealtimePolicies.WorkspaceReader)
            .AddEndpointFilter<ServiceRefusalProblems>()
            .WithTags("Dashboard")
            .Produces<LatestValues>()
            .AsHttpApi();

        var dashboard = endpoints.MapServiceWrites("/realtime/dashboard/{workspaceId}").WithTags("Dashboard").Answers(StatusCodes.Status202Accepted);
        dashboard.MapPost("/metric", async (string workspaceId, MetricRequest? request, DashboardService service) =>
            ServiceApi.Missing(request, ("metric", request?.Metric is not null), ("value", request?.Value is not null))
            ?? await AcceptedAsync(service.BroadcastMetricUpdate(workspaceId, request!.Metric!, request.Value!.Value, request.Platform, request.Data)));
        dashboard.MapPost("/post", async (string workspaceId, PostRequest? request, DashboardService service) =>
            ServiceApi.Missing(request, ("postId", request?.PostId is not null), ("post", request?.Post is not null))
            ?? await AcceptedAsync(service.BroadcastPostUpdate(workspaceId, request!.PostId!, request.Post!.Value, request.Platform)));
        dashboard.MapPost("/analytics", async (string workspaceId, AnalyticsRequest? request, DashboardService service) =>
            ServiceApi.Missing(request, ("analytics", request?.Analytics is not null))
            ?? await AcceptedAsync(service.BroadcastAnalyticsUpdate(workspaceId, request!.Analytics!.Value, request.Platform)));
        dashboard.MapPost("/followers", async (string workspaceId, FollowersRequest? request, DashboardService service) =>
            ServiceApi.Missing(request, ("platform", request?.Platform is not null), ("accountId", request?.AccountId is not null), ("followers", request?.Followers is not null), ("change", request?.Change is not null))
            ?? await AcceptedAsync(service.BroadcastFollowerUpdate(workspaceId, request!.Platform!, request.AccountId!, request.Followers!.Value, request.Change!.Value)));
        dashboard.MapPost("/engagement", async (string workspaceId, EngagementRequest? request, DashboardService service) =>
            ServiceApi.Missing(request, ("platform", request?.Platform is not null), ("engagement", request?.Engagement is not null))
            ?? await AcceptedAsync(service.BroadcastEngagementUpdate(workspaceId, request!.Platform!, request.Engagement!.Value, request.AccountId)));

        endpoints.MapServiceWrites("/realtime/metrics").WithTags("Dashboard").Answers(StatusCodes.Status202Accepted).MapPost("/{workspaceId}", async (string workspaceId, MetricsRequest? request, DashboardService service) =>
            ServiceApi.Missing(request, ("metric", request?.Metric is not null), ("value", request?.Value is not null))
            ?? await AcceptedAsync(service.PublishMetric(workspaceId, request!.Metric!, request.Value!.Value, request.Data)));
        return endpoints;
    }

    private static async Task<IResult> GetLatestAsync(string workspaceId, DashboardService service)
    {
        var latest = await service.GetLatest(workspaceId);
        return Results.Ok(new LatestValues(workspaceId, latest.Updates.Select(u => new LatestValue(u.EventName, u.Payload)).ToList(), latest.Position));
    }

    private static async Task<IResult> AcceptedAsync(Task publish)
    {
        await publish;
        return Results.Accepted();
    }
}
