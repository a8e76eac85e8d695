using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Realtime.EdgeGateway.Identity;

/// <summary>
/// Takes the `access_token` query parameter out of every request before anything sees it.
/// Browsers cannot set headers on WebSocket and SSE requests, so they put the token in the URL,
/// and everything that records URLs would record it: the hosting "Request starting/finished"
/// logs (written before any middleware runs), traces' url.query/url.full, any later request log.
/// On hub paths the token becomes the Authorization header (JwtBearer reads only the header); on
/// other paths it is dropped: URL tokens are accepted for hubs only (the hub itself and its
/// negotiate; not the HTTP API under /realtime/...).
/// </summary>
public sealed class QueryTokenHttpContextFactory(IServiceProvider services, IEnumerable<string> hubPaths) : IHttpContextFactory
{
    private readonly DefaultHttpContextFactory _inner = new(services);
    private readonly HashSet<string> _hubPaths = hubPaths.SelectMany(p => new[] { p, p + "/negotiate" }).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public HttpContext Create(IFeatureCollection featureCollection)
    {
        if (featureCollection.Get<IHttpRequestFeature>() is { } request)
        {
            MoveQueryToken(request, _hubPaths);
        }

        return _inner.Create(featureCollection);
    }

    public void Dispose(HttpContext httpContext) => _inner.Dispose(httpContext);

    public static void MoveQueryToken(IHttpRequestFeature request, IReadOnlySet<string> hubPaths)
    {
        // Cheap test first: most requests carry no token, and a key may be percent-encoded.
        var queryString = request.QueryString;
        if (string.IsNullOrEmpty(queryString)
            || (!queryString.Contains(RealtimeClaims.AccessTokenQuery, StringComparison.OrdinalIgnoreCase) && !queryString.Contains('%', StringComparison.Ordinal)))
        {
            return;
        }

        var query = QueryHelpers.ParseQuery(queryString);
        if (!query.Remove(RealtimeClaims.AccessTokenQuery, out var token))
        {
            return;
        }

        request.QueryString = QueryString.Create(query).ToUriComponent();
        request.RawTarget = new PathString(request.PathBase).Add(new PathString(request.Path)).ToUriComponent() + request.QueryString;
        if (token.Count == 1 && !string.IsNullOrEmpty(token[0]) && !request.Headers.ContainsKey(HeaderNames.Authorization)
            && hubPaths.Contains(request.Path.TrimEnd('/')))
        {
            request.Headers.Authorization = $"Bearer {token[0]}";
        }
    }
}
