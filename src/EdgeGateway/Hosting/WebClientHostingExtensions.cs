using Microsoft.Net.Http.Headers;

namespace Realtime.EdgeGateway.Hosting;

/// <summary>The live team page and the browser client (wwwroot, built from web/), served at /.</summary>
public static class WebClientHostingExtensions
{
    public const string IndexFile = "index.html";

    /// <summary>
    /// Serves wwwroot (index.html at /, the bundles under /js) when the edge has one. Files are
    /// revalidated on every load (ETag), so a rebuilt bundle is never served stale.
    /// </summary>
    public static WebApplication UseTeamPage(this WebApplication app)
    {
        if (!app.Environment.WebRootFileProvider.GetFileInfo(IndexFile).Exists)
        {
            return app;
        }

        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
