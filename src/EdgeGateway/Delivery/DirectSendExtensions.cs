using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Realtime.EdgeGateway.Hosting;
using Realtime.EdgeGateway.Hubs;

namespace Realtime.EdgeGateway.Delivery;

/// <summary>Wires the edge's send path: broadcast frames written straight to each WebSocket.</summary>
public static class DirectSendExtensions
{
    /// <summary>Replaces SignalR's default lifetime manager; call after AddSignalR.</summary>
    public static IServiceCollection AddDirectSend(this IServiceCollection services)
    {
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(DirectSendHubLifetimeManager<>));
        return services;
    }

    /// <summary>
    /// Gives each WebSocket upgrade on a hub path a <see cref="DirectSocketWriter"/> over the upgraded
    /// stream, found again by the lifetime manager through the connection's HttpContext.
    /// </summary>
    public static WebApplication UseDirectSend(this WebApplication app)
    {
        var maxPending = app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.MaxPendingFramesPerConnection;
        // Not async: the WebSocket request lasts as long as its connection, and so would this frame.
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade
                && HubPaths.Of(context.Request.Path) is not null)
            {
                context.Features.Set<IHttpUpgradeFeature>(new DirectWriterUpgrade(upgrade, context.Features, maxPending));
            }

            return next(context);
        });
        return app;
    }

    private sealed class DirectWriterUpgrade(IHttpUpgradeFeature inner, IFeatureCollection features, int maxPending) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync()
        {
            var writer = new DirectSocketWriter(await inner.UpgradeAsync(), maxPending);
            features.Set(writer);
            return writer;
        }
    }
}
