using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Realtime.IntegrationTests.Infrastructure;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>
/// The OpenAPI document at /openapi/v1.json describes every HTTP endpoint the edge maps: a route
/// added without its answers and problems fails here.
/// </summary>
[Trait("Kind", "Integration")]
[Collection(EmbeddedSystemCollection.Name)]
public sealed class ApiDocumentTests(EmbeddedSystemFixture fixture)
{
    private RealtimeSystem System => fixture.System;

    [Fact]
    public async Task Every_mapped_endpoint_is_described_with_its_answers_and_problems()
    {
        using var http = new HttpClient { BaseAddress = System.EdgeUrls[0] };
        using var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");

        var endpoints = System.EdgeService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method => (Endpoint: e, Method: method)))
            .ToList();
        Assert.Contains(endpoints, e => e.Endpoint.RoutePattern.RawText == "/realtime/broadcast/all");

        var missing = new List<string>();
        foreach (var (endpoint, method) in endpoints)
        {
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (path.StartsWith("/openapi", StringComparison.Ordinal) || path.StartsWith("/scalar", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.False(endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription ?? false, $"{method} {path} is left out of the API document");
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                missing.Add($"{method} {path}: not described");
                continue;
            }

            var answers = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            if (!answers.Any(status => status.StartsWith('2')))
            {
                missing.Add($"{method} {path}: no success answer");
            }

            var isDevelopmentToken = path == "/dev/token";
            foreach (var problem in isDevelopmentToken ? ["400"] : new[] { "400", "401", "403" })
            {
                if (!answers.Contains(problem))
                {
                    missing.Add($"{method} {path}: no {problem} problem");
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task A_write_names_its_body_fields_and_its_answer()
    {
        using var http = new HttpClient { BaseAddress = System.EdgeUrls[0] };
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var post = document.GetProperty("paths").GetProperty("/realtime/inbox/{workspaceId}/conversations/{conversationId}/messages").GetProperty("post");

        Assert.True(post.TryGetProperty("requestBody", out var body), "the message body is described");
        Assert.Contains("201", post.GetProperty("responses").EnumerateObject().Select(r => r.Name));
        var schema = body.GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var text = schema.GetRawText() + document.GetProperty("components").GetRawText();
        foreach (var field in new[] { "messageId", "from", "authorId", "content", "sentAt" })
        {
            Assert.Contains($"\"{field}\"", text, StringComparison.Ordinal);
        }
    }
}
