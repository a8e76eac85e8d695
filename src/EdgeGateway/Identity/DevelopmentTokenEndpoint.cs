using Realtime.Grains;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// GET /dev/token: a token for any user and workspaces, signed with the development key.
/// Mapped only in the Development environment.
/// </summary>
public static class DevelopmentTokenEndpoint
{
    public const string Path = "/dev/token";

    public sealed record DevelopmentToken(string Token, string UserId, IReadOnlyList<string> Workspaces, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt);

    public static IEndpointRouteBuilder MapDevelopmentTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (string? userId, string? workspaces, string? roles, int? minutes, DevelopmentTokenIssuer issuer, TimeProvider time) =>
        {
            var workspaceList = SplitList(workspaces);
            var roleList = roles is null ? ["member"] : SplitList(roles);
            var lifetime = TimeSpan.FromMinutes(minutes ?? 60);

            var errors = new Dictionary<string, string[]>();
            if (!RealtimeIds.IsValid(userId))
            {
                errors["userId"] = ["required; letters, digits and - _ . @ : only, at most 128."];
            }

            if (workspaceList.Count == 0 || !workspaceList.All(RealtimeIds.IsValid))
            {
                errors["workspaces"] = ["one or more workspace ids, comma-separated."];
            }

            if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(1))
            {
                errors["minutes"] = ["between 1 and 1440."];
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            var token = issuer.Issue(userId!, workspaceList, roleList, lifetime);
            return Results.Ok(new DevelopmentToken(token, userId!, workspaceList, roleList, time.GetUtcNow() + lifetime));
        })
            .WithTags("Development")
            .Produces<DevelopmentToken>()
            .ProducesValidationProblem();
        return endpoints;
    }

    private static List<string> SplitList(string? value) =>
        [.. (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
