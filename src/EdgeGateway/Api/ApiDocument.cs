using Scalar.AspNetCore;

namespace Realtime.EdgeGateway.Api;

/// <summary>
/// The HTTP API's OpenAPI 3.1 document at <see cref="Path"/>, generated from the endpoints
/// themselves (every route of docs/protocol.md, its bodies, answers and problem responses), and in
/// Development an API reference page at <c>/scalar</c>.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    public static IServiceCollection AddRealtimeApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Realtime.Orleans edge HTTP API";
            document.Info.Description =
                "What a backend in any language does with the cluster: publish to workspaces, users and everyone, "
                + "notifications, dashboards, the inbox, session revocation; and reads of presence, stats, dashboards and conversations. "
                + "Every call carries a JWT (Authorization: Bearer). Writes need role service or admin; every POST takes an Idempotency-Key.";
            return Task.CompletedTask;
        }));

    public static WebApplication MapRealtimeApiDocument(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
