using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Realtime.Grains.Hosting;

namespace Realtime.Backend.Http;

public static class HttpApiExtensions
{
    /// <summary>
    /// <see cref="RealtimeHttpApi"/> as a typed <see cref="HttpClient"/>, configured from the
    /// "RealtimeApi" section (BaseAddress, ServiceToken) and then <paramref name="configure"/>,
    /// validated at start. Add handlers (retries, say) to the returned builder.
    /// </summary>
    public static IHttpClientBuilder AddRealtimeHttpApi(this IServiceCollection services, IConfiguration configuration, Action<RealtimeHttpApiOptions>? configure = null)
    {
        var options = services.AddValidatedOptions<RealtimeHttpApiOptions>(configuration, RealtimeHttpApiOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddRealtimeHttpClient();
    }

    /// <summary><see cref="RealtimeHttpApi"/> configured in code alone, validated at start.</summary>
    public static IHttpClientBuilder AddRealtimeHttpApi(this IServiceCollection services, Action<RealtimeHttpApiOptions> configure)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeHttpApiOptions>>(new SectionOptionsValidator<RealtimeHttpApiOptions>(RealtimeHttpApiOptions.SectionName)));
        services.AddOptions<RealtimeHttpApiOptions>().Configure(configure).ValidateOnStart();
        return services.AddRealtimeHttpClient();
    }

    private static IHttpClientBuilder AddRealtimeHttpClient(this IServiceCollection services) =>
        services.AddHttpClient<RealtimeHttpApi>((sp, http) =>
        {
            // Routes are relative, so an address with a path (behind a gateway) keeps it.
            var address = sp.GetRequiredService<IOptions<RealtimeHttpApiOptions>>().Value.BaseAddress!.ToString();
            http.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        });
}
